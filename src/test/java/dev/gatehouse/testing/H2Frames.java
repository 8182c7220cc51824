package dev.gatehouse.testing;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
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

/**
 * A raw HTTP/2 connection for tests that must send what no real client would (RFC 9113 frames written byte by byte,
 * headers as HPACK literals without Huffman coding), over h2c with prior knowledge or any connected socket.
 * Response header blocks are decoded with Netty's HPACK decoder, which is only a reader here.
 */
public final class H2Frames implements AutoCloseable {
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int DATA = 0x0, HEADERS = 0x1, PRIORITY = 0x2, RST_STREAM = 0x3, SETTINGS = 0x4,
            PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;
    public static final int END_STREAM = 0x1, END_HEADERS = 0x4, ACK = 0x1;
    /** Error codes, RFC 9113 §7. */
    public static final int NO_ERROR = 0x0, PROTOCOL_ERROR = 0x1, FLOW_CONTROL_ERROR = 0x3, FRAME_SIZE_ERROR = 0x6,
            REFUSED_STREAM = 0x7, CANCEL = 0x8, COMPRESSION_ERROR = 0x9, ENHANCE_YOUR_CALM = 0xb;

    /** One received frame. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        public int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return (payload[at] & 0xff) << 24 | (payload[at + 1] & 0xff) << 16 | (payload[at + 2] & 0xff) << 8
                    | payload[at + 3] & 0xff;
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + " flags=" + flags + " stream=" + stream + " length=" + payload.length + "]";
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);

    public H2Frames(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        socket.setSoTimeout(10_000);
    }

    /** h2c with prior knowledge: connects, sends the preface and empty SETTINGS, acknowledges the server's. */
    public static H2Frames h2c(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        H2Frames h2 = new H2Frames(s);
        h2.handshake();
        return h2;
    }

    /** Preface, empty SETTINGS, then the server's SETTINGS acknowledged. */
    public void handshake() throws IOException {
        out.write(PREFACE);
        frame(SETTINGS, 0, 0, new byte[0]);
        Frame settings = next();
        if (settings.type() != SETTINGS) {
            throw new IOException("expected the server's SETTINGS first, got " + settings);
        }
        frame(SETTINGS, ACK, 0, new byte[0]);
    }

    public OutputStream out() {
        return out;
    }

    public InputStream in() {
        return in;
    }

    public Socket socket() {
        return socket;
    }

    // ---- writing

    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(frameBytes(type, flags, stream, payload));
        out.flush();
    }

    public static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
        byte[] b = new byte[9 + payload.length];
        b[0] = (byte) (payload.length >>> 16);
        b[1] = (byte) (payload.length >>> 8);
        b[2] = (byte) payload.length;
        b[3] = (byte) type;
        b[4] = (byte) flags;
        b[5] = (byte) (stream >>> 24 & 0x7f);
        b[6] = (byte) (stream >>> 16);
        b[7] = (byte) (stream >>> 8);
        b[8] = (byte) stream;
        System.arraycopy(payload, 0, b, 9, payload.length);
        return b;
    }

    /** A GET for {@code path} at {@code authority}, ending the stream, plus extra header pairs (name, value, ...). */
    public void get(int stream, String authority, String path, String... extra) throws IOException {
        List<String> h = new ArrayList<>(List.of(":method", "GET", ":scheme", "http", ":authority", authority,
                ":path", path));
        h.addAll(List.of(extra));
        frame(HEADERS, END_STREAM | END_HEADERS, stream, block(h.toArray(new String[0])));
    }

    /** An HPACK block of literal fields without indexing (RFC 7541 §6.2.2), names and values as given. */
    public static byte[] block(String... namesAndValues) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.write(0x00);
            string(b, namesAndValues[i]);
            string(b, namesAndValues[i + 1]);
        }
        return b.toByteArray();
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(b, 0x00, 7, bytes.length);
        b.writeBytes(bytes);
    }

    /** An HPACK integer with an {@code prefixBits}-bit prefix (RFC 7541 §5.1) after the {@code first} bits. */
    public static void integer(ByteArrayOutputStream b, int first, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            b.write(first | value);
            return;
        }
        b.write(first | max);
        value -= max;
        while (value >= 128) {
            b.write(value % 128 + 128);
            value /= 128;
        }
        b.write(value);
    }

    public void rst(int stream, int code) throws IOException {
        frame(RST_STREAM, 0, stream, int32(code));
    }

    public void windowUpdate(int stream, int increment) throws IOException {
        frame(WINDOW_UPDATE, 0, stream, int32(increment));
    }

    public static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    // ---- reading

    /** The next frame; EOFException when the server closed the connection. */
    public Frame next() throws IOException {
        byte[] head = new byte[9];
        in.readFully(head);
        int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[2] & 0xff;
        int stream = (head[5] & 0x7f) << 24 | (head[6] & 0xff) << 16 | (head[7] & 0xff) << 8 | head[8] & 0xff;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(head[3] & 0xff, head[4] & 0xff, stream, payload);
    }

    /** Reads until a frame of {@code type} (on {@code stream}, or any stream when negative); fails at EOF. */
    public Frame await(int type, int stream) throws IOException {
        while (true) {
            Frame f = next();
            if (f.type() == type && (stream < 0 || f.stream() == stream)) {
                return f;
            }
            if (f.type() == PING && (f.flags() & ACK) == 0) {
                frame(PING, ACK, 0, f.payload());
            }
        }
    }

    /** The GOAWAY the server sends before closing, or null when it closed without one. */
    public Frame awaitGoAway() throws IOException {
        try {
            return await(GOAWAY, 0);
        } catch (EOFException | java.net.SocketException e) {
            return null;
        }
    }

    /** True once the server has closed the connection (EOF or reset) within the socket timeout. */
    public boolean closedByServer() throws IOException {
        try {
            while (true) {
                next();
            }
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** The next RST_STREAM or response HEADERS on {@code stream} (DATA and others are skipped). */
    public Frame awaitStreamEnd(int stream) throws IOException {
        while (true) {
            Frame f = next();
            if (f.stream() == stream && (f.type() == RST_STREAM || f.type() == HEADERS)) {
                return f;
            }
            if (f.type() == GOAWAY) {
                throw new IOException("GOAWAY with code " + f.errorCode() + " while waiting for stream " + stream);
            }
        }
    }

    /** Decodes a response HEADERS frame (no padding, no priority; the whole block in one frame). */
    public Http2Headers headers(Frame f) throws Http2Exception {
        return hpack.decodeHeaders(f.stream(), Unpooled.wrappedBuffer(f.payload()));
    }

    /** The body of a response on {@code stream}, read up to its END_STREAM, sending WINDOW_UPDATEs as it goes. */
    public byte[] body(int stream) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            Frame f = next();
            if (f.stream() == stream && f.type() == DATA) {
                b.writeBytes(f.payload());
                if (f.payload().length > 0) {
                    windowUpdate(0, f.payload().length);
                    windowUpdate(stream, f.payload().length);
                }
                if ((f.flags() & END_STREAM) != 0) {
                    return b.toByteArray();
                }
            } else if (f.stream() == stream && f.type() == RST_STREAM) {
                throw new IOException("stream " + stream + " reset with " + f.errorCode());
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
