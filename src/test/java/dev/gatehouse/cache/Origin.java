package dev.gatehouse.cache;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real origin on a loopback port that answers each path as the test scripts it and counts and records every request
 * it gets: the cache tests assert on what reached the origin (how many, with which validators).
 */
final class Origin implements AutoCloseable {
    /** One scripted answer. */
    record Answer(int status, List<String[]> headers, byte[] body, long delayMillis) {
        static Answer of(int status, String body, String... nameValues) {
            List<String[]> h = new ArrayList<>();
            for (int i = 0; i < nameValues.length; i += 2) {
                h.add(new String[] {nameValues[i], nameValues[i + 1]});
            }
            return new Answer(status, h, body.getBytes(StandardCharsets.UTF_8), 0);
        }

        Answer delayed(long millis) {
            return new Answer(status, headers, body, millis);
        }

        Answer body(byte[] bytes) {
            return new Answer(status, headers, bytes, delayMillis);
        }
    }

    /** What the origin received. */
    record Received(String method, String uri, Map<String, List<String>> headers) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return String.join(", ", e.getValue());
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Function<Received, Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Answer> fallback = r -> Answer.of(404, "no script for " + r.uri());

    Origin() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers {@code path} (with its query) with {@code answer}, every time. */
    Origin on(String path, Answer answer) {
        scripts.put(path, r -> answer);
        return this;
    }

    /** Answers {@code path} by what the request says. */
    Origin on(String path, Function<Received, Answer> script) {
        scripts.put(path, script);
        return this;
    }

    /** Answers {@code path} with the answers in turn, the last one repeated. */
    Origin sequence(String path, Answer... answers) {
        AtomicInteger n = new AtomicInteger();
        scripts.put(path, r -> answers[Math.min(n.getAndIncrement(), answers.length - 1)]);
        return this;
    }

    /** Answers every path without a script of its own by what the request says. */
    Origin fallback(Function<Received, Answer> script) {
        this.fallback = script;
        return this;
    }

    int count(String path) {
        AtomicInteger n = counts.get(path);
        return n == null ? 0 : n.get();
    }

    /** The requests for {@code path}, in order. */
    List<Received> requests(String path) {
        return received.stream().filter(r -> r.uri().equals(path)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        String uri = ex.getRequestURI().toString();
        Received r = new Received(ex.getRequestMethod(), uri, Map.copyOf(ex.getRequestHeaders()));
        received.add(r);
        counts.computeIfAbsent(uri, k -> new AtomicInteger()).incrementAndGet();
        Function<Received, Answer> script = scripts.get(uri);
        Answer a = (script == null ? fallback : script).apply(r);
        if (a.delayMillis() > 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(a.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String[] h : a.headers()) {
            ex.getResponseHeaders().add(h[0], h[1]);
        }
        boolean noBody = ex.getRequestMethod().equals("HEAD") || a.status() == 304 || a.status() == 204;
        ex.sendResponseHeaders(a.status(), noBody ? -1 : a.body().length == 0 ? -1 : a.body().length);
        if (!noBody && a.body().length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(a.body());
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
