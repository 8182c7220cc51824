package dev.gatehouse.testing;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real unbound recursive resolver (Debian package {@code unbound}) on a free loopback port that resolves the
 * given zones through stub zones pointing at test servers, and nothing else: it follows CNAMEs from one zone into
 * another, which an authoritative server alone does not do for its clients. No DNSSEC validation, no caching (each
 * question reaches the authoritative servers). {@link #close()} stops it and removes its directory.
 */
public final class Unbound implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final int port;
    private final Process process;

    private Unbound(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Resolves each zone of {@code stubs} (zone to {@code 127.0.0.1:PORT}) at that server. */
    public static Unbound start(Map<String, String> stubs) throws IOException, InterruptedException {
        Path unbound = Executables.find("unbound", "unbound");
        Path dir = Files.createTempDirectory("unbound");
        int port = Knot.freeUdpAndTcpPort();
        StringBuilder c = new StringBuilder("""
                server:
                  interface: 127.0.0.1@%d
                  port: %d
                  do-daemonize: no
                  username: ""
                  chroot: ""
                  directory: "%s"
                  pidfile: ""
                  use-syslog: no
                  logfile: ""
                  verbosity: 1
                  do-ip6: no
                  do-not-query-localhost: no
                  module-config: "iterator"
                  cache-max-ttl: 0
                  cache-max-negative-ttl: 0
                  qname-minimisation: no
                remote-control:
                  control-enable: no
                """.formatted(port, port, dir));
        for (Map.Entry<String, String> stub : new LinkedHashMap<>(stubs).entrySet()) {
            c.append("stub-zone:\n  name: \"").append(stub.getKey()).append("\"\n  stub-addr: ")
                    .append(stub.getValue().replace(":", "@")).append('\n');
        }
        Files.writeString(dir.resolve("unbound.conf"), c.toString());
        Process process = new ProcessBuilder(unbound.toString(), "-d", "-c", dir.resolve("unbound.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("unbound.log").toFile()).start();
        Unbound u = new Unbound(dir, port, process);
        try {
            u.awaitListening(stubs.keySet().iterator().next());
            return u;
        } catch (IOException | InterruptedException | RuntimeException e) {
            u.close();
            throw e;
        }
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public String log() {
        try {
            Path log = dir.resolve("unbound.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(String zone) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("unbound exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                r.setTimeout(Duration.ofMillis(300));
                r.send(Message.newQuery(Record.newRecord(Name.fromString(zone + "."), Type.SOA, DClass.IN)));
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("unbound not answering on " + address() + " after " + START_TIMEOUT + ":\n" + log());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Knot.deleteTree(dir);
    }
}
