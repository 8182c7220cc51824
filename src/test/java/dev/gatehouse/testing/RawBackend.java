package dev.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a plain loopback {@link ServerSocket} whose every byte is scripted: for responses a real server
 * would not send (hop-by-hop headers, truncated bodies, no answer at all) and to count connections exactly.
 * Each accepted connection runs the script on its own thread.
 */
public final class RawBackend implements AutoCloseable {

    /** What the backend does with one accepted connection ({@code index} counts from 0). */
    @FunctionalInterface
    public interface Script {
        void serve(Socket socket, int index) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private RawBackend(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int index = accepted.getAndIncrement();
                    sockets.add(s);
                    threads.execute(() -> {
                        try (s) {
                            s.setSoTimeout(30_000);
                            script.serve(s, index);
                        } catch (Exception e) {
                            // the connection ends: what the test checks happens at the client
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public static RawBackend start(Script script) throws IOException {
        return new RawBackend(script);
    }

    /** Answers every request on every connection with 200 and {@code body}, keeping connections alive. */
    public static RawBackend keepAlive(String body) throws IOException {
        return start((s, i) -> {
            while (true) {
                String head = readHead(s.getInputStream());
                if (head == null) {
                    return;
                }
                s.getOutputStream().write(response(200, body).getBytes(StandardCharsets.ISO_8859_1));
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.get();
    }

    /** A complete response with Content-Length and {@code body}. */
    public static String response(int status, String body) {
        return "HTTP/1.1 " + status + " X\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body;
    }

    /** Reads a request head through its empty line; null at EOF before any byte. Does not read the body. */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The value of a header in a head read by {@link #readHead}, or null. */
    public static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
    }
}
