package dev.gatehouse.proxy;

import dev.gatehouse.testing.LogCapture;
import dev.gatehouse.testing.TestGatehouse;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A WebSocket through Gatehouse, end to end: JDK client, Netty WebSocket server, tunnel in between. */
class WebSocketIT {

    /** A Netty WebSocket server on loopback that echoes text frames, prefixed with "echo: ". */
    private static final class EchoServer implements AutoCloseable {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        private final Channel channel;
        final List<String> handshakeHeaders = new CopyOnWriteArrayList<>();

        EchoServer() throws InterruptedException {
            channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/ws", null, false, 1 << 20),
                                    new WebSocketFrameAggregator(1 << 20), // the JDK client fragments big messages
                                    new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + f.text()));
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

    /** Collects whole text messages and the close. */
    private static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    @Test
    void messagesGoBothWaysAndTheSocketClosesCleanly() throws Exception {
        try (EchoServer backend = new EchoServer();
             TestGatehouse gh = TestGatehouse.start("""
                     default_site: example.test
                     """ + Configs.proxy(backend.address()));
             LogCapture access = LogCapture.of("gatehouse.access")) {
            HttpClient client = HttpClient.newHttpClient();
            Collector collector = new Collector();
            WebSocket ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + gh.port() + "/ws"), collector)
                    .get(10, TimeUnit.SECONDS);

            for (int i = 0; i < 5; i++) {
                ws.sendText("message " + i, true).get(5, TimeUnit.SECONDS);
                assertThat(collector.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: message " + i);
            }
            String big = "x".repeat(100_000);
            ws.sendText(big, true).get(5, TimeUnit.SECONDS);
            assertThat(collector.messages.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: " + big);

            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertThat(collector.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
            assertThat(access.await(l -> l.contains("\"GET /ws HTTP/1.1\" 101 ")
                    && l.contains("target=" + backend.address()), Duration.ofSeconds(5))).isNotNull();
        }
    }
}
