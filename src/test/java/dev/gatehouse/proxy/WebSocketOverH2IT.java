package dev.gatehouse.proxy;

import dev.gatehouse.testing.H2Frames;
import dev.gatehouse.testing.H2Frames.Frame;
import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.gatehouse.testing.H2Frames.DATA;
import static dev.gatehouse.testing.H2Frames.END_HEADERS;
import static dev.gatehouse.testing.H2Frames.END_STREAM;
import static dev.gatehouse.testing.H2Frames.HEADERS;
import static dev.gatehouse.testing.H2Frames.PING;
import static dev.gatehouse.testing.H2Frames.RST_STREAM;
import static dev.gatehouse.testing.H2Frames.SETTINGS;
import static dev.gatehouse.testing.H2Frames.WINDOW_UPDATE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket over HTTP/2 (RFC 8441) through Gatehouse to an HTTP/1.1 WebSocket server: raw frames over h2c on the
 * client side, WebSocket framing written by hand (masked client frames), a Netty WebSocket server behind.
 */
@Timeout(60)
class WebSocketOverH2IT {
    /** 32 MiB in 64 KiB frames: far more than socket buffers and windows hold together. */
    private static final int FLOOD_FRAMES = 512;
    private static final int OP_TEXT = 0x1, OP_BINARY = 0x2, OP_CLOSE = 0x8;

    /** Echoes text (prefixed "echo: ") and binary; "bye" makes the server close the socket itself. */
    private static final class EchoServer implements AutoCloseable {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel channel;
        /** Bytes of "flood" frames the server could hand to its socket so far. */
        final AtomicLong flooded = new AtomicLong();

        EchoServer() throws InterruptedException {
            WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder().websocketPath("/ws")
                    .subprotocols("chat, superchat").maxFramePayloadLength(4 << 20).build();
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler(ws),
                                    new WebSocketFrameAggregator(4 << 20),
                                    new SimpleChannelInboundHandler<Object>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, Object f) {
                                            if (f instanceof FullHttpRequest) {
                                                FullHttpResponse notFound = new DefaultFullHttpResponse(
                                                        HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
                                                notFound.headers().set("content-length", 0);
                                                ctx.writeAndFlush(notFound);
                                            } else if (f instanceof TextWebSocketFrame t && t.text().equals("flood")) {
                                                for (int i = 0; i < FLOOD_FRAMES; i++) {
                                                    ctx.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                                                            new byte[64 * 1024]))).addListener(w -> {
                                                                if (w.isSuccess()) {
                                                                    flooded.addAndGet(64 * 1024);
                                                                }
                                                            });
                                                }
                                                ctx.flush();
                                            } else if (f instanceof TextWebSocketFrame t && t.text().equals("bye")) {
                                                ctx.writeAndFlush(new CloseWebSocketFrame(1000, "bye"))
                                                        .addListener(ChannelFutureListener.CLOSE);
                                            } else if (f instanceof TextWebSocketFrame t) {
                                                ctx.writeAndFlush(new TextWebSocketFrame("echo: " + t.text()));
                                            } else if (f instanceof BinaryWebSocketFrame b) {
                                                ctx.writeAndFlush(new BinaryWebSocketFrame(b.content().retain()));
                                            }
                                        }
                                    });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        }

        String address() {
            return "127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One WebSocket message from the server. */
    private record Message(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /**
     * A client of one HTTP/2 connection: keeps the send windows from the server's SETTINGS and WINDOW_UPDATEs,
     * returns what it reads at once, and collects the WebSocket bytes of one stream.
     */
    private static final class Client implements AutoCloseable {
        final H2Frames h2;
        final List<Frame> streamFrames = new ArrayList<>();
        final ByteArrayOutputStream wsBytes = new ByteArrayOutputStream();
        int connectProtocolSetting = -1;
        long connectionWindow = 65_535;
        long streamWindow = 65_535;
        long initialStreamWindow = 65_535;
        boolean ended;
        int resetCode = -1;
        int stream;

        Client(int port) throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            h2 = new H2Frames(s);
            h2.out().write(H2Frames.PREFACE);
            h2.frame(SETTINGS, 0, 0, new byte[0]);
            Frame settings = h2.next();
            assertThat(settings.type()).isEqualTo(SETTINGS);
            settings(settings);
            h2.frame(SETTINGS, H2Frames.ACK, 0, new byte[0]);
        }

        private void settings(Frame f) {
            byte[] p = f.payload();
            for (int i = 0; i + 6 <= p.length; i += 6) {
                int id = (p[i] & 0xff) << 8 | p[i + 1] & 0xff;
                int value = (p[i + 2] & 0xff) << 24 | (p[i + 3] & 0xff) << 16 | (p[i + 4] & 0xff) << 8
                        | p[i + 5] & 0xff;
                if (id == 0x8) {
                    connectProtocolSetting = value;
                } else if (id == 0x4) {
                    initialStreamWindow = value;
                }
            }
        }

        /** Sends an extended CONNECT and returns the response HEADERS. */
        Http2Headers connect(int stream, String protocol, String path, String... extra) throws Exception {
            this.stream = stream;
            this.streamWindow = initialStreamWindow;
            this.ended = false;
            this.resetCode = -1;
            this.wsBytes.reset();
            List<String> h = new ArrayList<>(List.of(":method", "CONNECT"));
            if (protocol != null) {
                h.addAll(List.of(":protocol", protocol, ":scheme", "http", ":path", path));
            }
            h.addAll(List.of(":authority", "example.test"));
            h.addAll(List.of(extra));
            h2.frame(HEADERS, END_HEADERS, stream, H2Frames.block(h.toArray(new String[0])));
            while (true) {
                Frame f = read();
                if (f.type() == HEADERS && f.stream() == stream) {
                    return h2.headers(f);
                }
                if (f.type() == RST_STREAM && f.stream() == stream) {
                    throw new IOException("stream reset with " + f.errorCode());
                }
            }
        }

        /** Reads one frame, keeping the windows and acknowledging what needs it. */
        Frame read() throws IOException {
            Frame f = h2.next();
            switch (f.type()) {
                case SETTINGS -> {
                    if ((f.flags() & H2Frames.ACK) == 0) {
                        settings(f);
                        h2.frame(SETTINGS, H2Frames.ACK, 0, new byte[0]);
                    }
                }
                case WINDOW_UPDATE -> {
                    long inc = ((f.payload()[0] & 0x7f) << 24 | (f.payload()[1] & 0xff) << 16
                            | (f.payload()[2] & 0xff) << 8 | f.payload()[3] & 0xff);
                    if (f.stream() == 0) {
                        connectionWindow += inc;
                    } else if (f.stream() == stream) {
                        streamWindow += inc;
                    }
                }
                case PING -> {
                    if ((f.flags() & H2Frames.ACK) == 0) {
                        h2.frame(PING, H2Frames.ACK, 0, f.payload());
                    }
                }
                case DATA -> {
                    if (f.payload().length > 0) {
                        h2.windowUpdate(0, f.payload().length);
                        if ((f.flags() & END_STREAM) == 0) {
                            h2.windowUpdate(f.stream(), f.payload().length);
                        }
                    }
                    if (f.stream() == stream) {
                        wsBytes.writeBytes(f.payload());
                        ended |= (f.flags() & END_STREAM) != 0;
                    }
                }
                case RST_STREAM -> {
                    if (f.stream() == stream) {
                        resetCode = f.errorCode();
                    }
                }
                default -> {
                }
            }
            if (f.stream() == stream) {
                streamFrames.add(f);
            }
            return f;
        }

        /** Sends bytes as DATA frames of at most 16 KiB, within the server's windows. */
        void send(byte[] bytes, boolean endStream) throws IOException {
            int at = 0;
            do {
                while (Math.min(connectionWindow, streamWindow) <= 0) {
                    read();
                }
                int n = (int) Math.min(Math.min(16_384, bytes.length - at), Math.min(connectionWindow,
                        streamWindow));
                boolean last = at + n == bytes.length;
                h2.frame(DATA, last && endStream ? END_STREAM : 0, stream, Arrays.copyOfRange(bytes, at, at + n));
                connectionWindow -= n;
                streamWindow -= n;
                at += n;
            } while (at < bytes.length);
        }

        void sendMessage(int opcode, byte[] payload) throws IOException {
            send(clientFrame(opcode, payload), false);
        }

        /** The next whole WebSocket message from the server (unmasked frames; fragments joined). */
        Message message() throws IOException {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            int opcode = -1;
            while (true) {
                byte[] b = wsBytes.toByteArray();
                int[] parsed = parseFrame(b);
                if (parsed == null) {
                    if (ended) {
                        throw new EOFException("the stream ended with " + b.length + " bytes of a partial frame");
                    }
                    read();
                    continue;
                }
                int headerLength = parsed[0];
                int payloadLength = parsed[1];
                boolean fin = (b[0] & 0x80) != 0;
                if (opcode < 0) {
                    opcode = b[0] & 0x0f;
                }
                joined.write(b, headerLength, payloadLength);
                wsBytes.reset();
                wsBytes.write(b, headerLength + payloadLength, b.length - headerLength - payloadLength);
                if (fin) {
                    return new Message(opcode, joined.toByteArray());
                }
            }
        }

        /** Reads until the stream is over (END_STREAM or reset); false when the socket timeout came first. */
        boolean awaitEnd() throws IOException {
            while (!ended && resetCode < 0) {
                read();
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            h2.close();
        }
    }

    /** [header length, payload length] of the first frame in {@code b}, or null when incomplete. */
    private static int[] parseFrame(byte[] b) {
        if (b.length < 2) {
            return null;
        }
        assertThat(b[1] & 0x80).as("server frames are not masked").isZero();
        int len = b[1] & 0x7f;
        int header = 2;
        if (len == 126) {
            if (b.length < 4) {
                return null;
            }
            len = (b[2] & 0xff) << 8 | b[3] & 0xff;
            header = 4;
        } else if (len == 127) {
            if (b.length < 10) {
                return null;
            }
            long l = 0;
            for (int i = 2; i < 10; i++) {
                l = l << 8 | b[i] & 0xff;
            }
            len = (int) l;
            header = 10;
        }
        return b.length < header + len ? null : new int[] {header, len};
    }

    /** A client frame (RFC 6455 §5.2): FIN, the opcode, the length, a mask key and the masked payload. */
    private static byte[] clientFrame(int opcode, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x80 | opcode);
        if (payload.length < 126) {
            b.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            b.write(0x80 | 126);
            b.write(payload.length >>> 8);
            b.write(payload.length);
        } else {
            b.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                b.write((int) ((long) payload.length >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        new Random().nextBytes(mask);
        b.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            b.write(payload[i] ^ mask[i % 4]);
        }
        return b.toByteArray();
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    @TempDir
    Path dir;
    private EchoServer backend;
    private TestGatehouse gh;

    @BeforeEach
    void start() throws Exception {
        backend = new EchoServer();
        gh = TestGatehouse.startListening("{ http: 0, https: off, address: 127.0.0.1, h2c: true }", """
                timeouts: { websocket: 3s }
                sites:
                  example.test:
                    routes:
                      - { path: /ws, upstream: app }
                      - { path: /nows, upstream: app }
                      - { path: /plain, respond: { status: 200, body: "not a websocket" } }
                upstreams:
                  app: { targets: [%s] }
                """.formatted(backend.address()), dir);
    }

    @AfterEach
    void stop() {
        gh.close();
        backend.close();
    }

    @Test
    void messagesBothWaysABigOneAndTheCloseHandshake() throws Exception {
        try (LogCapture access = LogCapture.of("gatehouse.access");
             Client c = new Client(gh.port())) {
            assertThat(c.connectProtocolSetting).as("SETTINGS_ENABLE_CONNECT_PROTOCOL").isEqualTo(1);
            Http2Headers response = c.connect(1, "websocket", "/ws");
            assertThat(response.status().toString()).isEqualTo("200");
            assertThat(response.contains("sec-websocket-accept")).isFalse();
            assertThat(response.contains("upgrade")).isFalse();

            for (int i = 0; i < 5; i++) {
                c.sendMessage(OP_TEXT, ("message " + i).getBytes(StandardCharsets.UTF_8));
                Message m = c.message();
                assertThat(m.opcode()).isEqualTo(OP_TEXT);
                assertThat(m.text()).isEqualTo("echo: message " + i);
            }

            byte[] big = new byte[1 << 20];
            new Random(7).nextBytes(big);
            c.sendMessage(OP_BINARY, big);
            Message echoed = c.message();
            assertThat(echoed.opcode()).isEqualTo(OP_BINARY);
            assertThat(echoed.payload()).isEqualTo(big);

            c.sendMessage(OP_CLOSE, closePayload(1000, "done"));
            Message close = c.message();
            assertThat(close.opcode()).isEqualTo(OP_CLOSE);
            assertThat((close.payload()[0] & 0xff) << 8 | close.payload()[1] & 0xff).isEqualTo(1000);
            c.awaitEnd();
            assertThat(c.ended).as("END_STREAM after the upstream closed").isTrue();

            assertThat(access.await(l -> l.contains("\"GET /ws HTTP/2.0\" 101 ")
                    || l.contains("\"GET /ws HTTP/1.1\" 101 "), Duration.ofSeconds(5))).isNotNull();
        }
    }

    @Test
    void theUpstreamClosingEndsTheStream() throws Exception {
        try (Client c = new Client(gh.port())) {
            assertThat(c.connect(1, "websocket", "/ws").status().toString()).isEqualTo("200");
            c.sendMessage(OP_TEXT, "bye".getBytes(StandardCharsets.UTF_8));
            Message close = c.message();
            assertThat(close.opcode()).isEqualTo(OP_CLOSE);
            c.awaitEnd();
            assertThat(c.ended).isTrue();
            // The connection is still good for other streams.
            c.h2.get(3, "example.test", "/plain");
            Frame head = c.h2.awaitStreamEnd(3);
            assertThat(c.h2.headers(head).status().toString()).isEqualTo("200");
        }
    }

    @Test
    void theClientEndingItsSideHalfClosesTheUpstream() throws Exception {
        try (Client c = new Client(gh.port())) {
            assertThat(c.connect(1, "websocket", "/ws").status().toString()).isEqualTo("200");
            c.sendMessage(OP_TEXT, "last".getBytes(StandardCharsets.UTF_8));
            c.send(new byte[0], true);
            // The echo of what was sent before the end still arrives, then the stream ends.
            assertThat(c.message().text()).isEqualTo("echo: last");
            c.awaitEnd();
            assertThat(c.ended || c.resetCode >= 0).isTrue();
        }
    }

    @Test
    void aResetStreamClosesTheTunnelAndAnIdleOneEnds() throws Exception {
        try (LogCapture access = LogCapture.of("gatehouse.access");
             Client c = new Client(gh.port())) {
            assertThat(c.connect(1, "websocket", "/ws").status().toString()).isEqualTo("200");
            c.sendMessage(OP_TEXT, "x".getBytes(StandardCharsets.UTF_8));
            assertThat(c.message().text()).isEqualTo("echo: x");
            c.h2.rst(1, H2Frames.CANCEL);
            // The exchange is logged once both the stream and the upstream connection are closed.
            assertThat(access.await(l -> l.contains("\"GET /ws HTTP/2.0\" 101 "), Duration.ofSeconds(5)))
                    .isNotNull();

            long start = System.nanoTime();
            assertThat(c.connect(3, "websocket", "/ws").status().toString()).isEqualTo("200");
            c.awaitEnd();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).as("ended by timeouts.websocket (3s)").isBetween(2_500L, 9_000L);
        }
    }

    @Test
    void aClientThatDoesNotReadPausesTheUpstreamAndOnlyItsStream() throws Exception {
        try (Client c = new Client(gh.port())) {
            assertThat(c.connect(1, "websocket", "/ws").status().toString()).isEqualTo("200");
            c.sendMessage(OP_TEXT, "flood".getBytes(StandardCharsets.UTF_8));
            // Read frames without returning any window for stream 1 (its 64 KiB is all Gatehouse may send).
            c.h2.windowUpdate(0, 1 << 30);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            long received = 0;
            c.h2.socket().setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                try {
                    Frame f = c.h2.next();
                    if (f.stream() == 1 && f.type() == DATA) {
                        received += f.payload().length;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // nothing more comes: the stream's window is used up
                }
            }
            long flooded = backend.flooded.get();
            System.out.printf("stalled WebSocket stream: %d bytes received, upstream wrote %d of %d bytes%n",
                    received, flooded, FLOOD_FRAMES * 64L * 1024);
            assertThat(received).as("within the stream's window").isLessThanOrEqualTo(65_535);
            assertThat(flooded).as("the upstream is paused, not drained into memory")
                    .isLessThan(FLOOD_FRAMES * 64L * 1024 / 2);

            c.h2.socket().setSoTimeout(10_000);
            c.h2.get(3, "example.test", "/plain");
            Frame head = c.h2.awaitStreamEnd(3);
            assertThat(c.h2.headers(head).status().toString()).as("other streams go on").isEqualTo("200");
        }
    }

    @Test
    void subprotocolsAreNegotiatedWithTheUpstream() throws Exception {
        try (Client c = new Client(gh.port())) {
            Http2Headers response = c.connect(1, "websocket", "/ws", "sec-websocket-protocol", "superchat, other");
            assertThat(response.status().toString()).isEqualTo("200");
            assertThat(response.get("sec-websocket-protocol").toString()).isEqualTo("superchat");
            c.sendMessage(OP_TEXT, "hi".getBytes(StandardCharsets.UTF_8));
            assertThat(c.message().text()).isEqualTo("echo: hi");
        }
    }

    @Test
    void aRouteThatIsNoWebSocketIsNoTunnel() throws Exception {
        try (Client c = new Client(gh.port())) {
            Http2Headers response = c.connect(1, "websocket", "/plain");
            assertThat(response.status().toString()).isEqualTo("501");
            while (c.resetCode < 0) {
                c.read(); // the client's side is ended for it: no stream is left open
            }
            assertThat(c.resetCode).isEqualTo(H2Frames.NO_ERROR);
        }
        try (Client c = new Client(gh.port())) {
            // The WebSocket server refuses a path it does not serve as WebSocket: its answer is relayed.
            Http2Headers response = c.connect(1, "websocket", "/nows");
            assertThat(response.status().toString()).isEqualTo("404");
        }
    }

    @Test
    void plainConnectAndOtherProtocolsAreNotImplemented() throws Exception {
        try (Client c = new Client(gh.port())) {
            assertThat(c.connect(1, null, null).status().toString()).isEqualTo("501");
            assertThat(c.connect(3, "chat", "/ws").status().toString()).isEqualTo("501");
            c.h2.get(5, "example.test", "/plain");
            Frame head = c.h2.awaitStreamEnd(5);
            assertThat(c.h2.headers(head).status().toString()).isEqualTo("200");
        }
    }
}
