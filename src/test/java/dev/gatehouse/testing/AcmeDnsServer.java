package dev.gatehouse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.shredzone.acme4j.toolbox.JSON;
import org.shredzone.acme4j.toolbox.JSONBuilder;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small server of acme-dns's HTTP API for tests: {@code POST /register} hands out a subdomain of {@code zone}
 * with credentials, {@code POST /update} (headers {@code X-Api-User}, {@code X-Api-Key}, body
 * {@code {"subdomain", "txt"}}) publishes the TXT value in a real Knot server, keeping the two latest values of a
 * subdomain as acme-dns does. There is no delete, as in acme-dns.
 */
public final class AcmeDnsServer implements AutoCloseable {
    private record Account(String username, String password, String subdomain) {
    }

    private final HttpServer http;
    private final Knot knot;
    private final String zone;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, Deque<String>> values = new ConcurrentHashMap<>();
    private final AtomicInteger registrations = new AtomicInteger();
    private final AtomicInteger updates = new AtomicInteger();

    private AcmeDnsServer(HttpServer http, Knot knot, String zone) {
        this.http = http;
        this.knot = knot;
        this.zone = zone;
    }

    /** Serves the API on a free loopback port; TXT values go into {@code zone} (which {@code knot} must serve). */
    public static AcmeDnsServer start(Knot knot, String zone) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        AcmeDnsServer server = new AcmeDnsServer(http, knot, zone);
        http.createContext("/register", server::register);
        http.createContext("/update", server::update);
        http.start();
        return server;
    }

    public URI api() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** How many accounts were registered. */
    public int registrations() {
        return registrations.get();
    }

    /** How many updates were accepted. */
    public int updates() {
        return updates.get();
    }

    private void register(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            reply(exchange, 405, "{\"error\":\"method\"}");
            return;
        }
        exchange.getRequestBody().readAllBytes();
        String subdomain = UUID.randomUUID().toString();
        Account account = new Account(UUID.randomUUID().toString(), UUID.randomUUID().toString().replace("-", ""),
                subdomain);
        accounts.put(account.username(), account);
        registrations.incrementAndGet();
        reply(exchange, 201, new JSONBuilder().put("username", account.username()).put("password", account.password())
                .put("fulldomain", subdomain + "." + zone).put("subdomain", subdomain)
                .array("allowfrom", List.of()).toString());
    }

    private void update(HttpExchange exchange) throws IOException {
        Account account = accounts.get(String.valueOf(exchange.getRequestHeaders().getFirst("X-Api-User")));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (account == null || !account.password().equals(exchange.getRequestHeaders().getFirst("X-Api-Key"))) {
            reply(exchange, 401, "{\"error\": \"forbidden\"}");
            return;
        }
        JSON json = JSON.parse(body);
        String subdomain = json.get("subdomain").asString();
        String txt = json.get("txt").asString();
        if (!subdomain.equals(account.subdomain()) || txt.length() != 43) {
            reply(exchange, 400, "{\"error\": \"bad_subdomain_or_txt\"}");
            return;
        }
        String name = subdomain + "." + zone;
        Deque<String> kept = values.computeIfAbsent(subdomain, s -> new ArrayDeque<>());
        synchronized (kept) {
            kept.addLast(txt);
            knot.add(zone, name, Type.TXT, "\"" + txt + "\"");
            if (kept.size() > 2) {
                knot.delete(zone, name, Type.TXT, "\"" + kept.removeFirst() + "\"");
            }
        }
        updates.incrementAndGet();
        reply(exchange, 200, new JSONBuilder().put("txt", txt).toString());
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
