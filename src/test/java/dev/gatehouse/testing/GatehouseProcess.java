package dev.gatehouse.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Gatehouse as a separate process from the shaded jar ({@code -Dgatehouse.jar}, set by failsafe), for what an
 * in-JVM server cannot show: memory bounds under a small heap, exit codes, signals. Its stdout (access log) and
 * stderr go to files in a temp directory; {@link #close()} destroys the process.
 */
public final class GatehouseProcess implements AutoCloseable {
    private JarProcess jar;
    private final int port;
    private final Path config;
    private final List<String> jvmArgs;

    private GatehouseProcess(JarProcess jar, int port, Path config, List<String> jvmArgs) {
        this.jar = jar;
        this.port = port;
        this.config = config;
        this.jvmArgs = jvmArgs;
    }

    /**
     * Starts {@code java [jvmArgs] -jar gatehouse.jar run --config FILE} with {@code yaml} prefixed by a
     * {@code listen:} on a free loopback port, and waits up to 20 s for the port to accept connections.
     */
    public static GatehouseProcess start(String yaml, String... jvmArgs) throws IOException, InterruptedException {
        return startListening("", yaml, jvmArgs);
    }

    /** As {@link #start}, with more {@code listen:} keys for the plain listener, e.g. {@code "h2c: true"}. */
    public static GatehouseProcess startListening(String listenKeys, String yaml, String... jvmArgs)
            throws IOException, InterruptedException {
        int port = freePort();
        Path dir = Files.createTempDirectory("gatehouse-process");
        Path config = dir.resolve("gatehouse.yaml");
        Files.writeString(config, "listen: { http: " + port + ", https: off, address: 127.0.0.1"
                + (listenKeys.isEmpty() ? "" : ", " + listenKeys) + " }\n" + yaml);
        JarProcess jar = JarProcess.start(dir, List.of(jvmArgs), "run", "--config", config.toString());
        GatehouseProcess gh = new GatehouseProcess(jar, port, config, List.of(jvmArgs));
        try {
            jar.awaitListening(port, Duration.ofSeconds(20));
        } catch (AssertionError | RuntimeException e) {
            gh.close();
            throw e;
        }
        return gh;
    }

    /**
     * Kills the process (SIGKILL: no goodbye, as a crash) and starts it again with the same config, directory (so the
     * same storage) and port; waits until it listens.
     */
    public void restart() throws IOException, InterruptedException {
        jar.close();
        jar = JarProcess.start(config.getParent(), jvmArgs, "run", "--config", config.toString());
        jar.awaitListening(port, Duration.ofSeconds(20));
    }

    /** A port that was free a moment ago (the usual race is acceptable for tests on loopback). */
    public static int freePort() throws IOException {
        return JarProcess.freePort();
    }

    /** The config file the process runs with (rewrite it to test reloads). */
    public Path config() {
        return config;
    }

    public int port() {
        return port;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public boolean isAlive() {
        return jar.isAlive();
    }

    public Process process() {
        return jar.process();
    }

    /** What the process wrote to stderr so far (the operational log). */
    public String stderr() {
        return jar.stderr();
    }

    /** What the process wrote to stdout so far (the access log). */
    public String stdout() {
        return jar.stdout();
    }

    @Override
    public void close() throws InterruptedException {
        jar.close();
    }
}
