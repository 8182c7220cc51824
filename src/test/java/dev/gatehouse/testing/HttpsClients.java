package dev.gatehouse.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * JDK HTTP clients for a {@link TestGatehouse} started with an HTTPS listener and a {@code localhost} site: they
 * trust only its local CA and speak HTTP/1.1 or HTTP/2 (chosen by ALPN), so one test runs on both protocols.
 */
public final class HttpsClients {
    /** Both protocols, for tests that loop over them. */
    public static final List<HttpClient.Version> BOTH = List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2);

    private HttpsClients() {
    }

    /** A client for {@code version} trusting the local CA of {@code gh}; no redirects followed. */
    public static HttpClient client(TestGatehouse gh, HttpClient.Version version) throws IOException {
        TlsProbe.Trust trust = TlsProbe.trusting(gh.dir().resolve("data/local-ca/root.pem"));
        return HttpClient.newBuilder().version(version).sslContext(trust.newContext())
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code https://localhost:PORT/path}. */
    public static URI uri(TestGatehouse gh, String pathAndQuery) {
        return URI.create("https://localhost:" + gh.httpsPort() + pathAndQuery);
    }

    /** A GET with the given header pairs ({@code name, value, name, value, ...}); the body as text. */
    public static HttpResponse<String> get(HttpClient client, TestGatehouse gh, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(gh, path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.version() != client.version()) {
            throw new AssertionError("asked for " + client.version() + ", got " + r.version());
        }
        return r;
    }
}
