package dev.gatehouse.server;

import dev.gatehouse.metrics.Scrape;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.RawClient;
import dev.gatehouse.testing.RawConnection;
import dev.gatehouse.testing.TestGatehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code limits.max_connections}: once that many client connections are open, new ones are closed at once, with a
 * metric and one log line however many arrive; when a connection closes there is room again.
 */
@Timeout(60)
class MaxConnectionsIT {
    private static final String GET = "GET / HTTP/1.1\r\nHost: limit.test\r\n\r\n";

    @Test
    void connectionsOverTheLimitAreClosedCountedAndLoggedOnce() throws Exception {
        List<RawConnection> open = new ArrayList<>();
        try (TestGatehouse gh = TestGatehouse.start("""
                limits: { max_connections: 3 }
                sites:
                  limit.test:
                    respond: { status: 200, body: "ok" }
                """);
             LogCapture log = LogCapture.of("dev.gatehouse.server")) {
            for (int i = 0; i < 3; i++) {
                RawConnection c = RawConnection.connect(gh.port());
                open.add(c);
                assertThat(c.send(GET).read().status()).as("connection %d, within the limit", i).isEqualTo(200);
            }

            for (int i = 0; i < 5; i++) {
                try (Socket refused = RawClient.connect(gh.port())) {
                    RawClient.Reply reply = RawClient.readToEof(refused, System.nanoTime(), Duration.ofSeconds(5));
                    assertThat(reply.closed()).as("connection over the limit closed").isTrue();
                    assertThat(reply.bytes()).isEmpty();
                }
            }

            assertThat(Scrape.parse(gh.server().metrics().scrape()).value("gatehouse_connections_refused_total",
                    "listener", "http", "reason", "max_connections")).isEqualTo(5);
            assertThat(log.await(l -> l.contains("limits.max_connections (3) reached"), Duration.ofSeconds(2)))
                    .isNotNull().startsWith("WARN listen.http:");
            assertThat(log.lines().stream().filter(l -> l.contains("max_connections")))
                    .as("one line for the burst").hasSize(1);

            open.remove(0).close();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                try (RawConnection c = RawConnection.connect(gh.port())) {
                    status = c.send(GET).read().status();
                } catch (java.io.IOException closedWhileTheSlotFreesUp) {
                    Thread.sleep(50);
                }
            }
            assertThat(status).as("room again once a connection closed").isEqualTo(200);
        } finally {
            for (RawConnection c : open) {
                c.close();
            }
        }
    }
}
