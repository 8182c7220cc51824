package dev.gatehouse.upstream;

import com.sun.net.httpserver.HttpExchange;
import dev.gatehouse.testing.TestBackend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Backends and requests for the pool tests: each backend answers with its name. */
final class Backends {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Backends() {
    }

    /** Answers {@code name} with 200; {@code /health} answers {@code health}'s current value. */
    static TestBackend named(String name, AtomicInteger health) throws IOException {
        return TestBackend.start(name, ex -> {
            int status = ex.getRequestURI().getPath().equals("/health") ? health.get() : 200;
            reply(ex, status, name);
        });
    }

    static TestBackend named(String name) throws IOException {
        return named(name, new AtomicInteger(200));
    }

    /** Holds every request until {@code release} opens, then answers {@code name}. */
    static TestBackend held(String name, CountDownLatch release) throws IOException {
        return TestBackend.start(name, ex -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, name);
        });
    }

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    static HttpRequest.Builder request(dev.gatehouse.testing.TestGatehouse gh, String path) {
        return HttpRequest.newBuilder(gh.uri(path)).header("Host", "example.test").timeout(Duration.ofSeconds(10));
    }

    static HttpResponse<String> get(dev.gatehouse.testing.TestGatehouse gh, String path) throws Exception {
        return CLIENT.send(request(gh, path).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One site, {@code example.test}, proxied to pool {@code app} written as {@code poolYaml}. */
    static String config(String poolYaml) {
        return "sites:\n  example.test: { upstream: app }\nupstreams:\n  app:\n" + poolYaml.indent(4);
    }
}
