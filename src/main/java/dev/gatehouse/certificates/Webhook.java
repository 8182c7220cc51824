package dev.gatehouse.certificates;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * POSTs one JSON alert to a webhook, retried with backoff (1 s doubling, {@value #ATTEMPTS} attempts in about a
 * minute) until the receiver answers 2xx. Asynchronous: the caller never waits for the receiver.
 */
final class Webhook {
    private static final Logger log = LoggerFactory.getLogger(Webhook.class);
    static final int ATTEMPTS = 6;
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ScheduledExecutorService scheduler;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    Webhook(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Sends {@code json} to {@code url}; {@code what} names it in log lines. */
    void post(URI url, String json, String what) {
        attempt(url, json, what, 1, FIRST_RETRY);
    }

    private void attempt(URI url, String json, String what, int attempt, Duration nextDelay) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("User-Agent", "gatehouse")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                log.info("notify webhook={} sent {}", url, what);
                return;
            }
            String why = error != null ? error.toString() : "status " + response.statusCode();
            if (attempt >= ATTEMPTS) {
                log.error("notify webhook={} gave up on {} after {} attempts: {}", url, what, attempt, why);
                return;
            }
            log.warn("notify webhook={} {} failed (attempt {}), retrying in {} ms: {}", url, what, attempt,
                    nextDelay.toMillis(), why);
            try {
                scheduler.schedule(() -> attempt(url, json, what, attempt + 1, nextDelay.multipliedBy(2)),
                        nextDelay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException shutDown) {
                log.debug("notify webhook={} not retried, shutting down", url);
            }
        });
    }
}
