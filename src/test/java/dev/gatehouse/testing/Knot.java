package dev.gatehouse.testing;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Knot DNS server (Debian package {@code knot}) on a free loopback port, as the authoritative server of the
 * DNS tests: zones that accept dynamic updates signed with one TSIG key (hmac-sha256, random secret), zones that
 * accept none, and secondaries that copy a zone from another Knot only when {@link #refresh} says so (a nameserver
 * that lags). Every zone has {@code ns1.<zone> A 127.0.0.1} as its only NS. {@link #close()} stops knotd and
 * removes its directory.
 *
 * <pre>{@code
 * try (Knot knot = Knot.builder().zone("example.com").start()) {
 *     knot.address();  // "127.0.0.1:PORT"
 *     knot.txt("_acme-challenge.example.com");
 * }
 * }</pre>
 */
public final class Knot implements AutoCloseable {
    public static final String KEY_NAME = "gatehouse-key";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    /** How one zone is served. */
    private record Zone(String name, boolean updates, String primaryAddress, List<String> records) {
    }

    private final Path dir;
    private final int port;
    private final String secret;
    private final Process process;

    private Knot(Path dir, int port, String secret, Process process) {
        this.dir = dir;
        this.port = port;
        this.secret = secret;
        this.process = process;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The zones and key a server starts with. */
    public static final class Builder {
        private final Map<String, Zone> zones = new LinkedHashMap<>();
        private String secret = randomSecret();

        private Builder() {
        }

        /** A zone that accepts updates signed with the key, with extra records in zone-file syntax. */
        public Builder zone(String name, String... records) {
            zones.put(name, new Zone(name, true, null, List.of(records)));
            return this;
        }

        /** A zone this server serves but accepts no update for (the key is not in its ACL). */
        public Builder zoneWithoutUpdates(String name, String... records) {
            zones.put(name, new Zone(name, false, null, List.of(records)));
            return this;
        }

        /** A secondary copy of {@code name} from {@code primary}, refreshed only by {@link #refresh}. */
        public Builder secondary(String name, Knot primary) {
            zones.put(name, new Zone(name, false, primary.address(), List.of()));
            return this;
        }

        /** The TSIG secret (base64) instead of a random one, e.g. to share one key between two servers. */
        public Builder secret(String base64) {
            this.secret = base64;
            return this;
        }

        public Knot start() throws IOException, InterruptedException {
            Path knotd = Executables.find("knotd", "knot");
            Path dir = Files.createTempDirectory("knot");
            int port = freeUdpAndTcpPort();
            try {
                Files.createDirectories(dir.resolve("db"));
                for (Zone z : zones.values()) {
                    if (z.primaryAddress() == null) {
                        Files.writeString(dir.resolve(z.name() + ".zone"), zoneFile(z));
                    }
                }
                Files.writeString(dir.resolve("knot.conf"), config(dir, port));
                Process process = new ProcessBuilder(knotd.toString(), "-c", dir.resolve("knot.conf").toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("knotd.log").toFile()).start();
                Knot knot = new Knot(dir, port, secret, process);
                try {
                    knot.awaitZones(zones.keySet());
                    return knot;
                } catch (IOException | InterruptedException | RuntimeException e) {
                    knot.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
        }

        private String config(Path dir, int port) {
            StringBuilder c = new StringBuilder();
            c.append("server:\n  listen: 127.0.0.1@").append(port).append("\n  rundir: ").append(dir).append('\n');
            c.append("log:\n  - target: stderr\n    any: info\n");
            c.append("database:\n  storage: ").append(dir.resolve("db")).append('\n');
            c.append("key:\n  - id: ").append(KEY_NAME).append("\n    algorithm: hmac-sha256\n    secret: ")
                    .append(secret).append('\n');
            c.append("remote:\n");
            int remotes = 0;
            for (Zone z : zones.values()) {
                if (z.primaryAddress() != null) {
                    c.append("  - id: primary").append(remotes++).append("\n    address: ")
                            .append(z.primaryAddress().replace(":", "@")).append('\n');
                }
            }
            if (remotes == 0) {
                c.setLength(c.length() - "remote:\n".length());
            }
            c.append("acl:\n  - id: update\n    key: ").append(KEY_NAME).append("\n    action: update\n");
            c.append("  - id: transfer\n    address: 127.0.0.1\n    action: transfer\n");
            c.append("  - id: notify\n    address: 127.0.0.1\n    action: notify\n");
            c.append("template:\n  - id: default\n    storage: ").append(dir)
                    .append("\n    zonefile-sync: -1\n    zonefile-load: difference-no-serial\n    journal-content: all\n");
            c.append("zone:\n");
            int remote = 0;
            for (Zone z : zones.values()) {
                c.append("  - domain: ").append(z.name()).append('\n');
                if (z.primaryAddress() != null) {
                    c.append("    master: primary").append(remote++).append("\n    acl: [notify]\n");
                } else {
                    c.append("    acl: ").append(z.updates() ? "[update, transfer]" : "[transfer]").append('\n');
                }
            }
            return c.toString();
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The TSIG key's secret (base64); the key is {@link #KEY_NAME}, hmac-sha256. */
    public String secret() {
        return secret;
    }

    /**
     * {@code acme.dns} for this server, as the lines under {@code acme:}: rfc2136 with its key, lookups and updates
     * here, propagation checked here every 200ms.
     */
    public String acmeDnsYaml() {
        return """
                  dns:
                    provider: rfc2136
                    nameserver: %1$s
                    tsig: { name: %2$s, algorithm: hmac-sha256, secret: "%3$s" }
                    propagation: { nameservers: ["%1$s"], interval: 200ms, timeout: 20s }
                """.formatted(address(), KEY_NAME, secret);
    }

    /** The TXT values this server serves at {@code name} (asked directly, over UDP). */
    public List<String> txt(String name) throws IOException {
        List<String> out = new ArrayList<>();
        for (Record r : query(name, Type.TXT).getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord txt) {
                out.add(String.join("", txt.getStrings()));
            }
        }
        return out;
    }

    /** Asks this server for {@code name} {@code type}. */
    public Message query(String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(absolute(name)), type, DClass.IN)));
    }

    /** Adds one record by a signed update, e.g. {@code add("example.com", "_acme-challenge.example.com", Type.CNAME, "x.example.net.")}. */
    public void add(String zone, String name, int type, String rdata) throws IOException {
        Update update = new Update(Name.fromString(absolute(zone)));
        update.add(Record.fromString(Name.fromString(absolute(name)), type, DClass.IN, 60, rdata, Name.root));
        send(zone, update);
    }

    /** Deletes one record (that exact data) by a signed update. */
    public void delete(String zone, String name, int type, String rdata) throws IOException {
        Update update = new Update(Name.fromString(absolute(zone)));
        update.delete(Record.fromString(Name.fromString(absolute(name)), type, DClass.IN, 0, rdata, Name.root));
        send(zone, update);
    }

    private void send(String zone, Update update) throws IOException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        resolver.setTCP(true);
        resolver.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, KEY_NAME, secret));
        Message response = resolver.send(update);
        if (response.getRcode() != Rcode.NOERROR) {
            throw new IOException("update of " + zone + " at " + address() + ": " + Rcode.string(response.getRcode()));
        }
    }

    /** A secondary fetches its zones from the primary now ({@code knotc zone-refresh}). */
    public void refresh(String zone) throws IOException, InterruptedException {
        Path knotc = Executables.find("knotc", "knot");
        Process p = new ProcessBuilder(knotc.toString(), "-s", dir.resolve("knot.sock").toString(), "zone-refresh", zone)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("knotc zone-refresh " + zone + ": " + out);
        }
    }

    /** knotd's log so far, for assertion messages. */
    public String log() {
        try {
            Path log = dir.resolve("knotd.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops knotd (the server is down until the test ends); {@link #close()} still cleans up. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private void awaitZones(Iterable<String> zones) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (String zone : zones) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("knotd exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    if (query(zone, Type.SOA).getRcode() == Rcode.NOERROR) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("knotd does not serve " + zone + " after " + START_TIMEOUT + ":\n" + log());
                }
                Thread.sleep(50);
            }
        }
    }

    private static String zoneFile(Zone z) {
        StringBuilder s = new StringBuilder();
        s.append("$ORIGIN ").append(z.name()).append(".\n$TTL 60\n");
        s.append("@ SOA ns1.").append(z.name()).append(". hostmaster.").append(z.name())
                .append(". 1 3600 600 86400 60\n");
        s.append("@ NS ns1.").append(z.name()).append(".\n");
        s.append("ns1 A 127.0.0.1\n");
        z.records().forEach(r -> s.append(r).append('\n'));
        return s.toString();
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    private static String randomSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** A port free for both TCP and UDP on 127.0.0.1 (DNS servers take both). */
    public static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1");
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files only
        }
    }
}
