package dev.gatehouse.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Gatehouse as a separate process from the shaded jar ({@code -Dgatehouse.jar}, set by failsafe), for what an
 * in-JVM server cannot show: memory bounds under a small heap, exit codes, signals. Its stdout (access log) and
 * stderr go to files in a temp directory; {@link #close()} destroys the process.
 */
public final class GatehouseProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private GatehouseProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts {@code java [jvmArgs] -jar gatehouse.jar run --config FILE} with {@code yaml} prefixed by a
     * {@code listen:} on a free loopback port, and waits up to 20 s for the port to accept connections.
     */
    public static GatehouseProcess start(String yaml, String... jvmArgs) throws IOException, InterruptedException {
        String jar = System.getProperty("gatehouse.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property gatehouse.jar must name the built jar, was " + jar);
        }
        int port = freePort();
        Path dir = Files.createTempDirectory("gatehouse-process");
        Path config = dir.resolve("gatehouse.yaml");
        Files.writeString(config, "listen: { http: " + port + ", https: off, address: 127.0.0.1 }\n" + yaml);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-jar", jar, "run", "--config", config.toString()));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(dir.resolve("stderr.log").toFile())
                .start();
        GatehouseProcess gh = new GatehouseProcess(process, port, dir);
        try {
            gh.awaitPort(Duration.ofSeconds(20));
        } catch (IOException | RuntimeException e) {
            gh.close();
            throw e;
        }
        return gh;
    }

    /** A port that was free a moment ago (the usual race is acceptable for tests on loopback). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitPort(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gatehouse exited with " + process.exitValue() + " before listening: " + stderr());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("gatehouse did not listen on " + port + " within " + timeout + ": " + stderr());
    }

    public int port() {
        return port;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    /** What the process wrote to stderr so far (the operational log). */
    public String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.log"));
    }

    /** What the process wrote to stdout so far (the access log). */
    public String stdout() throws IOException {
        return Files.readString(dir.resolve("stdout.log"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
