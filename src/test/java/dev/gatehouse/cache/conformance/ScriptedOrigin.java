package dev.gatehouse.cache.conformance;

import dev.gatehouse.testing.RawBackend;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The origin behind the cache: a raw HTTP/1.1 server on a loopback port that answers each case's requests as its
 * steps script them, byte for byte (repeated fields, malformed values, interim responses, a dropped connection), and
 * records what reached it. A request names its case in its path ({@code /c/TOKEN[/file][?query]}) and its place in
 * the case in {@code Req-Num}; every answer says how many requests of the case the origin has seen
 * ({@code Server-Request-Count}), which is how a client tells an answer from the cache.
 */
final class ScriptedOrigin implements AutoCloseable {
    /** The name a surrogate-capable cache may announce; Surrogate-Control values target it through this marker. */
    static final String TARGET_MARKER = "CAPABILITY_TARGET";
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** One request as the origin received it, and the checked fields it answered with. */
    record Received(int requestNum, String method, String target, Map<String, String> headers,
                    List<String[]> checkedFields, int status) {
    }

    private static final class Script {
        final List<Step> steps;
        final List<Received> received = new ArrayList<>();
        final Map<Integer, List<String[]>> served = new ConcurrentHashMap<>();

        Script(List<Step> steps) {
            this.steps = steps;
        }
    }

    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final RawBackend backend;

    ScriptedOrigin() throws IOException {
        backend = RawBackend.start((socket, index) -> serve(socket));
    }

    String address() {
        return backend.address();
    }

    void register(String token, List<Step> steps) {
        scripts.put(token, new Script(steps));
    }

    List<Received> received(String token) {
        Script s = scripts.get(token);
        synchronized (s) {
            return List.copyOf(s.received);
        }
    }

    static String httpDate(long millis) {
        return HTTP_DATE.format(Instant.ofEpochMilli(millis));
    }

    private void serve(Socket socket) throws Exception {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        while (true) {
            String head = RawBackend.readHead(in);
            if (head == null || head.isBlank()) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
                }
            }
            readBody(in, headers);
            if (!answer(requestLine[0], requestLine[1], headers, out)) {
                return;
            }
        }
    }

    private static void readBody(InputStream in, Map<String, String> headers) throws IOException {
        String length = headers.get("content-length");
        if (length != null) {
            in.readNBytes(Integer.parseInt(length.trim()));
        } else if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                in.readNBytes(n);
                line(in);
                if (n == 0) {
                    return;
                }
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes the scripted answer; false when the connection is to end. */
    private boolean answer(String method, String target, Map<String, String> headers, OutputStream out)
            throws Exception {
        String[] segments = target.split("[/?]");
        Script script = segments.length > 2 ? scripts.get(segments[2]) : null;
        if (script == null) {
            write(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            return true;
        }
        int clientNum = parseInt(headers.get("req-num"));
        int serverNum;
        synchronized (script) {
            serverNum = script.received.size() + 1;
        }
        int index = (clientNum > 0 ? clientNum : serverNum) - 1;
        if (index >= script.steps.size()) {
            write(out, "HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\n\r\n");
            return true;
        }
        Step step = script.steps.get(index);
        if (step.responseDelayMillis > 0) {
            TimeUnit.MILLISECONDS.sleep(step.responseDelayMillis);
        }
        long now = System.currentTimeMillis();
        int status = step.status;
        String reason = step.reason;
        if (step.type == Step.Type.ETAG_VALIDATED || step.type == Step.Type.LM_VALIDATED) {
            // The validators the previous step's response had: as sent, or as scripted when it never reached here.
            List<String[]> previous = script.served.getOrDefault(index - 1, script.steps.get(index - 1)
                    .responseHeaders.stream().filter(h -> h.value() != null)
                    .map(h -> new String[] {h.name(), h.value()}).toList());
            String lm = field(previous, "last-modified");
            String etag = field(previous, "etag");
            boolean match = lm != null && lm.equals(headers.get("if-modified-since"))
                    || etag != null && etag.equals(headers.get("if-none-match"));
            status = match ? 304 : 999;
            reason = match ? "Not Modified" : "304 Not Generated";
        }
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"Server-Base-Url", target});
        fields.add(new String[] {"Server-Request-Count", Integer.toString(serverNum)});
        fields.add(new String[] {"Client-Request-Count", clientNum > 0 ? Integer.toString(clientNum) : "NaN"});
        fields.add(new String[] {"Server-Now", Long.toString(now)});
        String capability = headers.getOrDefault("surrogate-capability", "");
        fields.add(new String[] {"Capability-Seen", capability});
        List<String[]> scripted = new ArrayList<>();
        List<String[]> checked = new ArrayList<>();
        for (Step.Header h : step.responseHeaders) {
            String value = h.offset() != null ? httpDate(now + h.offset() * 1000) : h.value();
            String name = h.name().toLowerCase(Locale.ROOT);
            if (step.magicLocations && (name.equals("location") || name.equals("content-location"))) {
                value = value.isEmpty() ? target : target + "/" + value;
            }
            if (name.equals("surrogate-control") && !capability.isEmpty()) {
                value = value.replace(TARGET_MARKER, capability.split("=")[0]);
            }
            scripted.add(new String[] {h.name(), value});
            if (h.checked()) {
                checked.add(new String[] {h.name(), value});
            }
        }
        script.served.put(index, scripted);
        fields.addAll(scripted);
        StringBuilder numbers = new StringBuilder();
        synchronized (script) {
            script.received.add(new Received(clientNum, method, target, headers, checked, status));
            for (Received r : script.received) {
                numbers.append(numbers.isEmpty() ? "" : " ").append(r.requestNum());
            }
        }
        fields.add(new String[] {"Request-Numbers", numbers.toString()});
        if (step.disconnect) {
            return false;
        }
        boolean userLength = field(scripted, "content-length") != null;
        String te = field(scripted, "transfer-encoding");
        if (field(fields, "content-type") == null) {
            fields.add(new String[] {"Content-Type", "text/plain"});
        }
        if (field(fields, "date") == null) {
            fields.add(new String[] {"Date", httpDate(now)});
        }
        boolean userConnection = field(scripted, "connection") != null;
        if (!userConnection) {
            fields.add(new String[] {"Connection", "keep-alive"});
        }
        boolean bodyless = status == 204 || status == 304;
        byte[] body = (step.responseBody != null ? step.responseBody : segments[2]).getBytes(StandardCharsets.UTF_8);
        if (!bodyless && !userLength && te == null) {
            fields.add(new String[] {"Content-Length", Integer.toString(body.length)});
        }
        StringBuilder response = new StringBuilder();
        for (Object[] i : step.interim) {
            response.append("HTTP/1.1 ").append(i[0]).append(" Early Hints\r\n");
            String[] nv = (String[]) i[1];
            for (int k = 0; k < nv.length; k += 2) {
                response.append(nv[k]).append(": ").append(nv[k + 1]).append("\r\n");
            }
            response.append("\r\n");
        }
        response.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        for (String[] f : fields) {
            response.append(f[0]).append(": ").append(f[1]).append("\r\n");
        }
        response.append("\r\n");
        out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!bodyless && !method.equals("HEAD")) {
            out.write(body); // all of it, whatever a scripted Content-Length says (as real servers do)
        }
        out.flush();
        // A transfer coding other than chunked: the body ends where the connection does (RFC 9112 §6.3).
        return te == null;
    }

    private static String field(List<String[]> fields, String name) {
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                return f[1];
            }
        }
        return null;
    }

    private static int parseInt(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        backend.close();
    }
}
