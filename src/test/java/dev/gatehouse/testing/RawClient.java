package dev.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes exactly as written over a plain socket, for requests no HTTP client would send: malformed heads, smuggling
 * payloads, stalled heads. Reads the answer until the server closes the connection, within a time limit, so a test
 * sees both what was answered and whether the connection was closed.
 */
public final class RawClient {

    /**
     * What came back.
     *
     * @param bytes    everything read before EOF or the time limit
     * @param closed   the server closed the connection (EOF or reset) within the time limit
     * @param elapsed  from the write to EOF (or to the time limit)
     */
    public record Reply(byte[] bytes, boolean closed, Duration elapsed) {

        public String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        /** The first response in the reply; fails when there is none. */
        public Response response() {
            return Response.parse(bytes, 0);
        }

        /** How many responses the reply holds (counted by status lines at response boundaries). */
        public int responseCount() {
            int count = 0;
            int offset = 0;
            while (offset < bytes.length && startsWith(bytes, offset, "HTTP/1.")) {
                Response r = Response.parse(bytes, offset);
                count++;
                offset = r.end();
            }
            return count;
        }
    }

    /** One parsed response; the body is read by Content-Length (all Gatehouse-made responses carry one). */
    public record Response(int status, Map<String, String> headers, byte[] body, int end) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static Response parse(byte[] raw, int offset) {
            int headEnd = indexOf(raw, offset, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (headEnd < 0) {
                throw new AssertionError("no complete response head in: "
                        + new String(raw, offset, raw.length - offset, StandardCharsets.ISO_8859_1));
            }
            String[] lines = new String(raw, offset, headEnd - offset, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            int bodyStart = headEnd + 4;
            String length = headers.get("content-length");
            int bodyEnd = length == null ? raw.length : Math.min(raw.length, bodyStart + Integer.parseInt(length));
            return new Response(status, headers, Arrays.copyOfRange(raw, bodyStart, bodyEnd), bodyEnd);
        }
    }

    private RawClient() {
    }

    /** Sends {@code request} (ISO-8859-1, so {@code \0} and friends go out as single bytes) and reads to EOF. */
    public static Reply send(int port, String request, Duration limit) throws IOException {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1), limit);
    }

    public static Reply send(int port, byte[] request, Duration limit) throws IOException {
        try (Socket socket = connect(port)) {
            long start = System.nanoTime();
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (SocketException e) {
                // The server may close before taking everything; what it answered is still readable.
            }
            return readToEof(socket, start, limit);
        }
    }

    public static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** Reads until EOF, a reset, or {@code limit} after {@code startNanos}. */
    public static Reply readToEof(Socket socket, long startNanos, Duration limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[8192];
        long deadline = startNanos + limit.toNanos();
        boolean closed = false;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                int n = in.read(buf);
                if (n < 0) {
                    closed = true;
                    break;
                }
                out.write(buf, 0, n);
            } catch (SocketTimeoutException e) {
                break;
            } catch (SocketException e) {
                closed = true; // reset by the server: closed as well
                break;
            }
        }
        return new Reply(out.toByteArray(), closed, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private static boolean startsWith(byte[] raw, int offset, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.ISO_8859_1);
        return raw.length - offset >= p.length && Arrays.equals(raw, offset, offset + p.length, p, 0, p.length);
    }

    private static int indexOf(byte[] haystack, int from, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
