package dev.gatehouse.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A client connection over a plain socket: bytes go out exactly as written, and responses are read one at a
 * time with their framing checked (Content-Length, chunked, or to EOF). For what {@code java.net.http} hides or
 * refuses: hop-by-hop headers, pipelining, 100-continue, HTTP/1.0, truncated bodies.
 */
public final class RawConnection implements AutoCloseable {

    /**
     * One response as it arrived.
     *
     * @param complete    whether the body ended as its framing said (false: the connection closed before that)
     * @param trailerList the trailer fields after a chunked body (names lower-cased), else empty
     */
    public record Response(String statusLine, int status, List<String[]> headerList, byte[] body, boolean complete,
                           List<String[]> trailerList) {
        public Response(String statusLine, int status, List<String[]> headerList, byte[] body, boolean complete) {
            this(statusLine, status, headerList, body, complete, List.of());
        }

        /** The first value of a trailer field (case-insensitive), or null. */
        public String trailer(String name) {
            for (String[] h : trailerList) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            for (String[] h : headerList) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public boolean hasHeader(String name) {
            return header(name) != null;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port; every read waits at most 10 s. */
    public static RawConnection connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return new RawConnection(socket);
    }

    /** Connects to 127.0.0.1:port from the local address {@code from} (another loopback address, like 127.0.0.2). */
    public static RawConnection connectFrom(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return new RawConnection(socket);
    }

    public RawConnection send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public Socket socket() {
        return socket;
    }

    /** Reads the next response to a request other than HEAD. */
    public Response read() throws IOException {
        return read(false);
    }

    /**
     * Reads the next response. Interim (1xx) responses are returned like any other; a response to HEAD, a 1xx,
     * 204 and 304 have no body whatever their headers say.
     */
    public Response read(boolean head) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<String[]> headers = new ArrayList<>();
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim()});
        }
        Response shell = new Response(statusLine, status, headers, new byte[0], true);
        if (head || status < 200 || status == 204 || status == 304) {
            return shell;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete;
        List<String[]> trailers = new ArrayList<>();
        String te = shell.header("transfer-encoding");
        String cl = shell.header("content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            complete = readChunked(body, trailers);
        } else if (cl != null) {
            complete = copy(body, Long.parseLong(cl));
        } else {
            in.transferTo(body);
            complete = true;
        }
        return new Response(statusLine, status, headers, body.toByteArray(), complete, trailers);
    }

    private boolean readChunked(ByteArrayOutputStream body, List<String[]> trailers) throws IOException {
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                return false;
            }
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(); ; trailer = readLine()) {
                    if (trailer == null) {
                        return false;
                    }
                    if (trailer.isEmpty()) {
                        return true;
                    }
                    int colon = trailer.indexOf(':');
                    trailers.add(new String[] {trailer.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            trailer.substring(colon + 1).trim()});
                }
            }
            if (!copy(body, size) || !"".equals(readLine())) {
                return false;
            }
        }
    }

    private boolean copy(ByteArrayOutputStream body, long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                return false;
            }
            body.write(buf, 0, r);
            n -= r;
        }
        return true;
    }

    /** A CRLF-terminated line without its end, or null at EOF (a reset counts as EOF). */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                b = -1; // connection reset: the same as a close for a reader
            }
            if (b < 0) {
                return sb.length() == 0 ? null : sb.toString();
            }
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) b);
        }
    }

    /** Whether the peer closed the connection (EOF or reset) within the read timeout, with no more bytes sent. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
