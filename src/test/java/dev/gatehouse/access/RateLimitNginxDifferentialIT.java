package dev.gatehouse.access;

import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestGatehouse;
import dev.gatehouse.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.gatehouse.limits.Gcra;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same request schedule against Debian's nginx ({@code limit_req zone burst=3 nodelay}, 2 r/s) and against
 * Gatehouse ({@code rate_limit: { rate: 2/s, burst: 3 }}): the two accept and refuse the same requests. The schedule
 * keeps every refusal at least half an interval (250 ms) away from its boundary, so the ordinary jitter of a busy
 * machine does not decide it; Gatehouse runs in the test's JVM, so its code is warmed on another site first.
 */
@Timeout(120)
class RateLimitNginxDifferentialIT {
    /** (milliseconds after the start, requests sent back to back then). */
    private static final int[][] SCHEDULE = {{0, 6}, {1750, 4}, {3250, 4}, {7250, 5}, {8500, 3}};
    /** What GCRA (and so nginx) decides for that schedule at exact times. */
    private static final String EXPECTED = "AAAARR AAAR AAAR AAAAR AAR";

    @TempDir
    Path dir;

    @Test
    void theScheduleKeepsItsDecisionsFarFromTheirBoundaries() {
        Gcra gcra = Gcra.of(2, Duration.ofSeconds(1), 3);
        long tat = 0;
        long closest = Long.MAX_VALUE;
        StringBuilder decided = new StringBuilder();
        for (int[] group : SCHEDULE) {
            long now = TimeUnit.MILLISECONDS.toNanos(group[0]) + TimeUnit.SECONDS.toNanos(10);
            if (decided.length() > 0) {
                decided.append(' ');
            }
            for (int i = 0; i < group[1]; i++) {
                long backlog = Gcra.backlog(tat, now);
                if (!gcra.admits(backlog)) {
                    closest = Math.min(closest, backlog - gcra.toleranceNanos());
                }
                decided.append(gcra.admits(backlog) ? 'A' : 'R');
                tat = gcra.next(tat == 0 ? now : tat, now);
            }
        }
        assertThat(decided.toString()).isEqualTo(EXPECTED);
        // a request sent late only helps an A; every R keeps 250 ms of room before it would turn into one
        assertThat(TimeUnit.NANOSECONDS.toMillis(closest)).isGreaterThanOrEqualTo(250);
    }

    @Test
    void gatehouseAndNginxAcceptAndRefuseTheSameRequests() throws Exception {
        String nginxSeen;
        try (Nginx nginx = Nginx.start(dir.resolve("nginx"))) {
            nginxSeen = run(nginx.port, "localhost");
        }
        String gatehouseSeen;
        try (TestGatehouse gh = TestGatehouse.start("""
                sites:
                  limited.test:
                    rate_limit: { rate: 2/s, burst: 3 }
                    respond: { status: 200, body: "ok" }
                  warm.test:
                    rate_limit: { rate: 1000/s, burst: 1000 }
                    respond: { status: 200, body: "ok" }
                """)) {
            try (RawConnection warm = RawConnection.connect(gh.port())) {
                for (int i = 0; i < 500; i++) {
                    assertThat(warm.send("GET / HTTP/1.1\r\nHost: warm.test\r\n\r\n").read().status()).isEqualTo(200);
                }
            }
            gatehouseSeen = run(gh.port(), "limited.test");
        }
        assertThat(gatehouseSeen).as("nginx saw " + nginxSeen).isEqualTo(nginxSeen);
        assertThat(nginxSeen).contains("A").contains("R");
        System.out.println("nginx:     " + nginxSeen + "\ngatehouse: " + gatehouseSeen + "\nexact:     " + EXPECTED);
    }

    /** Runs the schedule over one keep-alive connection: A for a 200, R for a 429. */
    private static String run(int port, String host) throws Exception {
        StringBuilder seen = new StringBuilder();
        try (RawConnection c = RawConnection.connect(port)) {
            long start = System.nanoTime();
            for (int[] group : SCHEDULE) {
                long wait = group[0] - (System.nanoTime() - start) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                if (seen.length() > 0) {
                    seen.append(' ');
                }
                for (int i = 0; i < group[1]; i++) {
                    int status = c.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read().status();
                    assertThat(status).isIn(200, 429);
                    seen.append(status == 200 ? 'A' : 'R');
                }
            }
        }
        return seen.toString();
    }

    /** nginx from Debian's package, in a prefix of its own on a free loopback port. */
    private static final class Nginx implements AutoCloseable {
        final int port;
        final Process process;

        private Nginx(int port, Process process) {
            this.port = port;
            this.process = process;
        }

        static Nginx start(Path prefix) throws Exception {
            String binary = Tools.find("nginx", "nginx");
            Files.createDirectories(prefix.resolve("tmp"));
            Files.createDirectories(prefix.resolve("html"));
            Files.writeString(prefix.resolve("html/index.html"), "ok");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String p = prefix.toAbsolutePath().toString();
            String root = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
            Files.writeString(prefix.resolve("nginx.conf"), root + """
                    worker_processes 1;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log;
                    events { worker_connections 64; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/tmp/body;
                        proxy_temp_path %1$s/tmp/proxy;
                        fastcgi_temp_path %1$s/tmp/fastcgi;
                        uwsgi_temp_path %1$s/tmp/uwsgi;
                        scgi_temp_path %1$s/tmp/scgi;
                        limit_req_zone $binary_remote_addr zone=z:1m rate=2r/s;
                        server {
                            listen 127.0.0.1:%2$d;
                            root %1$s/html;
                            location / {
                                # a static file: "return" would answer in the rewrite phase, before limit_req runs
                                limit_req zone=z burst=3 nodelay;
                                limit_req_status 429;
                            }
                        }
                    }
                    """.formatted(p, port));
            Process process = new ProcessBuilder(binary, "-p", p, "-c", p + "/nginx.conf", "-e", p + "/error.log")
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("out.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return new Nginx(port, process);
                } catch (IOException notYet) {
                    if (!process.isAlive()) {
                        break;
                    }
                    Thread.sleep(50);
                }
            }
            process.destroyForcibly();
            throw new AssertionError("nginx did not start: " + Files.readString(prefix.resolve("out.log"))
                    + (Files.exists(prefix.resolve("error.log")) ? Files.readString(prefix.resolve("error.log")) : ""));
        }

        @Override
        public void close() throws Exception {
            List<ProcessHandle> workers = process.descendants().toList();
            process.destroy(); // SIGTERM: nginx's fast shutdown, workers included
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }
}
