package dev.gatehouse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 backend on a free loopback port (the JDK's built-in server), for the proxy to forward to.
 * By default it answers every request with {@link #echo}: what it received, as text.
 */
public final class TestBackend implements AutoCloseable {
    static {
        // The JDK server writes head and body in separate small segments; with Nagle on, each keep-alive
        // response then waits ~40 ms for a delayed ACK (measured through the JDK client: ~50 ms per request without this, ~2 ms with it).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final String name;

    private TestBackend(String name, HttpHandler handler) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            handler.handle(exchange);
        });
        server.setExecutor(executor);
        server.start();
    }

    /** A backend answering every request with {@link #echo}. */
    public static TestBackend echo(String name) throws IOException {
        return new TestBackend(name, TestBackend::echo);
    }

    /** A backend with its own handler. */
    public static TestBackend start(String name, HttpHandler handler) throws IOException {
        return new TestBackend(name, handler);
    }

    /**
     * 200 with a text body: {@code backend: NAME}, {@code method: ...}, {@code uri: ...}, {@code body-bytes: N},
     * then one {@code header: name: value} line per received header (names lower case, sorted).
     */
    private static void echo(HttpExchange ex) throws IOException {
        long bodyBytes;
        try (InputStream in = ex.getRequestBody()) {
            bodyBytes = in.transferTo(OutputStream.nullOutputStream());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("backend: ").append(ex.getHttpContext().getServer().getAddress().getPort()).append('\n');
        sb.append("method: ").append(ex.getRequestMethod()).append('\n');
        sb.append("uri: ").append(ex.getRequestURI()).append('\n');
        sb.append("body-bytes: ").append(bodyBytes).append('\n');
        Map<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sorted.putAll(ex.getRequestHeaders());
        sorted.forEach((k, vs) -> vs.forEach(v -> sb.append("header: ").append(k.toLowerCase()).append(": ")
                .append(v).append('\n')));
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
        } else {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code 127.0.0.1:PORT}, as written in a config's targets. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public int requestCount() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Dies between two responses: the port refuses new connections at once, a response being written is finished
     * (within a second), then every connection closes, the idle keep-alive ones included. A kill that lands in the
     * middle of a response cuts it after its head has gone to the client, which no proxy can retry.
     */
    public void closeBetweenResponses() {
        server.stop(1);
        executor.shutdownNow();
    }
}
