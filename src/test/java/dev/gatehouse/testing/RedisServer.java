package dev.gatehouse.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} (Debian package {@code redis-server}) on a free loopback port, without persistence
 * ({@code --save ""}), for the cluster tests. {@link #stop()} and {@link #restart()} simulate an outage on the same
 * port; {@link #pause()}/{@link #resume()} (SIGSTOP/SIGCONT) a Redis that does not answer. {@link #close()} kills it
 * and removes its directory.
 */
public final class RedisServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final int port;
    private final String password;
    private Process process;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    private RedisServer(Path dir, int port, String password) {
        this.dir = dir;
        this.port = port;
        this.password = password;
    }

    /** Starts one without a password. */
    public static RedisServer start() throws IOException, InterruptedException {
        return start(null);
    }

    /** Starts one that requires {@code password} ({@code requirepass}); null for none. */
    public static RedisServer start(String password) throws IOException, InterruptedException {
        RedisServer r = new RedisServer(Files.createTempDirectory("gatehouse-redis"), JarProcess.freePort(), password);
        r.launch();
        return r;
    }

    private void launch() throws IOException, InterruptedException {
        Path exe = Executables.find("redis-server", "redis-server");
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--loglevel", "warning", "--logfile", dir.resolve("redis.log").toString()));
        if (password != null) {
            cmd.addAll(List.of("--requirepass", password));
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile())
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("redis-server not listening on " + port + " after " + START_TIMEOUT + ": " + log());
    }

    /** {@code redis://127.0.0.1:PORT/0} (without the password). */
    public String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public int port() {
        return port;
    }

    /** Commands for the test's own look at the data (a connection of its own, opened on first use). */
    public synchronized RedisCommands<String, String> commands() {
        if (connection == null || !connection.isOpen()) {
            client = RedisClient.create("redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:"
                    + port + "/0");
            connection = client.connect();
        }
        return connection.sync();
    }

    /** Stops the server (SIGKILL: nothing is saved anyway), as an outage. */
    public void stop() throws InterruptedException {
        closeClient();
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts it again on the same port, empty (no persistence), after {@link #stop()}. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** SIGSTOP: connections stay open, nothing is answered (a Redis that is slow beyond any timeout). */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    private String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void closeClient() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            client = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(); // SIGKILL ends a paused (SIGSTOPped) server too
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Temp files; nothing to do.
        }
    }
}
