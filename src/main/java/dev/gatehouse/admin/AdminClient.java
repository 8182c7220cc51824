package dev.gatehouse.admin;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The command line's side of the admin API: JSON requests to a running instance over the JDK's HTTP client, with
 * the bearer token when there is one.
 */
public final class AdminClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Generous: a reload may bind listeners and load certificates before it answers. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** Nothing answers at the address (refused or timed out): usually, Gatehouse is not running. */
    public static final class UnreachableException extends IOException {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * An answer: the status and the parsed JSON body.
     *
     * @param body a {@code Map} for objects (both answers and problem documents)
     */
    public record Response(int status, Object body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The body as an object (empty map when it is not one). */
        @SuppressWarnings("unchecked")
        public Map<String, Object> object() {
            return body instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }

        /** A problem document's {@code detail}, or the status when there is none. */
        public String detail() {
            Object d = object().get("detail");
            return d == null ? "HTTP " + status : d.toString();
        }
    }

    private final URI base;
    private final Optional<String> token;
    private final HttpClient http;

    public AdminClient(URI base, Optional<String> token) {
        this.base = Objects.requireNonNull(base, "base");
        this.token = Objects.requireNonNull(token, "token");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    public URI base() {
        return base;
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send("GET", path);
    }

    public Response post(String path) throws IOException, InterruptedException {
        return send("POST", path);
    }

    /** POST with a JSON body. */
    public Response post(String path, String json) throws IOException, InterruptedException {
        return send("POST", path, json);
    }

    private Response send(String method, String path) throws IOException, InterruptedException {
        return send(method, path, null);
    }

    private Response send(String method, String path, String json) throws IOException, InterruptedException {
        URI uri = base.resolve(path);
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .header("Accept", "application/json");
        if (json != null) {
            r.header("Content-Type", "application/json");
        }
        token.ifPresent(t -> r.header("Authorization", "Bearer " + t));
        HttpResponse<String> res;
        try {
            res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new UnreachableException("no Gatehouse answers at " + base + " (" + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        }
        String contentType = res.headers().firstValue("content-type").orElse("");
        if (!contentType.contains("json")) {
            throw new IOException(method + " " + uri + " answered " + res.statusCode() + " with " + contentType
                    + ", not JSON: is this Gatehouse's admin API?");
        }
        try {
            return new Response(res.statusCode(), AdminJson.parse(res.body()));
        } catch (IllegalArgumentException e) {
            throw new IOException(method + " " + uri + " answered invalid JSON: " + e.getMessage(), e);
        }
    }

    /** A JSON list as a list of objects (tolerating anything else as empty). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> objects(Object list) {
        if (!(list instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().filter(Map.class::isInstance).map(o -> (Map<String, Object>) o).toList();
    }
}
