package dev.gatehouse.testing;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.server.GatehouseServer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Gatehouse in this JVM on a free loopback port, from YAML text. The YAML's {@code listen:} is supplied here
 * (http on 127.0.0.1, port 0, https off), so tests write only {@code sites:}, {@code upstreams:} and the like.
 */
public final class TestGatehouse implements AutoCloseable {
    private static final String PLAIN_HTTP = "{ http: 0, https: off, address: 127.0.0.1 }";

    private final GatehouseServer server;
    private final Path dir;
    private final String listen;

    private TestGatehouse(GatehouseServer server, Path dir, String listen) {
        this.server = server;
        this.dir = dir;
        this.listen = listen;
    }

    /** Starts Gatehouse with {@code yaml} (relative paths resolve against a fresh temp directory). */
    public static TestGatehouse start(String yaml) throws IOException, ConfigException, InterruptedException {
        Path dir = Files.createTempDirectory("gatehouse-test");
        return start(yaml, dir);
    }

    /** Starts Gatehouse with {@code yaml}, written as {@code dir/gatehouse.yaml}. */
    public static TestGatehouse start(String yaml, Path dir) throws IOException, ConfigException, InterruptedException {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, "listen: " + PLAIN_HTTP + "\n" + yaml);
        GatehouseConfig config = ConfigLoader.load(file);
        GatehouseServer server = new GatehouseServer(config);
        server.start();
        return new TestGatehouse(server, dir, PLAIN_HTTP);
    }

    /**
     * Starts Gatehouse with {@code yaml} and the given {@code listen:} map instead of the plain-HTTP-only default,
     * e.g. {@code "{ http: 0, https: 0, address: 127.0.0.1 }"}, for HTTPS tests.
     */
    public static TestGatehouse startListening(String listen, String yaml, Path dir)
            throws IOException, ConfigException, InterruptedException {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, "listen: " + listen + "\n" + yaml);
        GatehouseServer server = new GatehouseServer(ConfigLoader.load(file));
        server.start();
        return new TestGatehouse(server, dir, listen);
    }

    /**
     * Replaces the config file with {@code yaml} under the same {@code listen:} it started with, written beside it
     * and renamed over it as editors do (the running server reloads it on its own, or on {@code server().reload()}).
     */
    public void rewrite(String yaml) throws IOException {
        rewrite(listen, yaml);
    }

    /** Replaces the config file with {@code yaml} and another {@code listen:} map. */
    public void rewrite(String listenMap, String yaml) throws IOException {
        Path tmp = dir.resolve("gatehouse.yaml.tmp");
        Files.writeString(tmp, "listen: " + listenMap + "\n" + yaml);
        Files.move(tmp, dir.resolve("gatehouse.yaml"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The bound HTTPS port, or -1 when the listener is off. */
    public int httpsPort() {
        return server.httpsPort();
    }

    public int port() {
        return server.httpPort();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    public Path dir() {
        return dir;
    }

    public GatehouseServer server() {
        return server;
    }

    /** Graceful stop with the given grace period (what SIGTERM does). */
    public void stop(Duration grace) {
        server.stop(grace);
    }

    @Override
    public void close() {
        server.close();
    }
}
