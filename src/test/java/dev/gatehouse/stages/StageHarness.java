package dev.gatehouse.stages;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs stages on real HTTP/1.1 bytes without a server: a request written as text is decoded by Netty's codec, goes
 * through the stages into an action, and the response the client would read comes back, encoded and decoded again.
 * The response path is the real one ({@code Exchange.filterResponse} and its pipeline handler), so response filters
 * are tested as they run in Gatehouse.
 *
 * <pre>{@code
 * try (StageHarness h = StageHarness.of(myStage).action(StageHarness.streaming(200, "hello ", "world"))) {
 *     StageHarness.Result r = h.send("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
 *     assertThat(r.status()).isEqualTo(200);
 *     assertThat(r.actionSaw().headers().get("x-added")).isEqualTo("1");
 * }
 * }</pre>
 */
public final class StageHarness implements AutoCloseable {
    /** A response cache with the default settings (memory only), for stage services. */
    static dev.gatehouse.cache.ResponseCache cache() {
        return new dev.gatehouse.cache.ResponseCache(dev.gatehouse.config.CacheStorage.DEFAULTS, Runnable::run,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    private final List<Stage> stages;
    private Handler action = respond(200, "ok");
    private boolean secure;
    private EmbeddedChannel channel;
    private Driver driver;

    private StageHarness(List<Stage> stages) {
        this.stages = stages;
    }

    /** The stages, outermost first, in front of the action (by default a 200 "ok"). */
    public static StageHarness of(Stage... stages) {
        return new StageHarness(List.of(stages));
    }

    /** What the chain ends in: use {@link #respond}, {@link #streaming}, or any handler. */
    public StageHarness action(Handler action) {
        this.action = action;
        return this;
    }

    /** Requests arrive as on an HTTPS listener. */
    public StageHarness secure() {
        this.secure = true;
        return this;
    }

    /** An action answering one whole response. */
    public static Handler respond(int status, String body) {
        return exchange -> {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.respond(response);
            return RequestFlow.DISCARD_BODY;
        };
    }

    /**
     * An action streaming its body in the given pieces, each written and flushed on its own (chunked), as a proxied
     * response arrives; the end is an empty last piece.
     */
    public static Handler streaming(int status, String... pieces) {
        return exchange -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
            HttpUtil.setTransferEncodingChunked(head, true);
            exchange.status(status);
            exchange.applyKeepAlive(head);
            ChannelHandlerContext ctx = exchange.ctx();
            ctx.write(head);
            for (String piece : pieces) {
                ByteBuf bytes = Unpooled.copiedBuffer(piece, StandardCharsets.UTF_8);
                exchange.addBytesOut(bytes.readableBytes());
                ctx.writeAndFlush(new DefaultHttpContent(bytes));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> exchange.finish());
            return RequestFlow.DISCARD_BODY;
        };
    }

    /**
     * Sends one request (the raw bytes of its head and body) and returns what the client reads, once the exchange
     * has finished (waiting at most 5 seconds, for stages that decide later).
     */
    public Result send(String rawRequest) {
        start(rawRequest);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (driver.exchange != null && !driver.exchange.isFinished() && System.nanoTime() < deadline) {
            channel.runPendingTasks();
            channel.runScheduledPendingTasks();
            Thread.onSpinWait();
        }
        if (driver.exchange == null || !driver.exchange.isFinished()) {
            throw new AssertionError("the exchange did not finish within 5 s");
        }
        return driver.result(readResponse());
    }

    /** Sends one request and returns at once, for exchanges a test ends otherwise (see {@link #closeConnection}). */
    public void start(String rawRequest) {
        if (channel == null) {
            driver = new Driver();
            channel = new EmbeddedChannel(new HttpRequestDecoder(), new HttpResponseEncoder(), driver);
        }
        driver.reset();
        channel.writeInbound(Unpooled.copiedBuffer(rawRequest, StandardCharsets.ISO_8859_1));
    }

    /** Closes the connection as a client would; stages and filters get their end events. */
    public void closeConnection() {
        channel.close();
    }

    private String readResponse() {
        StringBuilder raw = new StringBuilder();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            if (out instanceof ByteBuf bytes) {
                raw.append(bytes.toString(StandardCharsets.ISO_8859_1));
            }
            ReferenceCountUtil.release(out);
        }
        return raw.toString();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /**
     * What one request came to.
     *
     * @param status    the response's status
     * @param headers   the response's headers
     * @param body      the response body as the client reads it (chunked framing removed)
     * @param raw       the response bytes as written on the wire
     * @param actionSaw the request as the action received it (after the stages), or null when a stage answered
     * @param bytesOut  the body bytes the exchange counted (what the access log prints)
     */
    public record Result(int status, HttpHeaders headers, String body, String raw, HttpRequest actionSaw,
                         long bytesOut) {
    }

    /** The connection's request handling, reduced to what stages need: one exchange per request, in turn. */
    private final class Driver extends ChannelInboundHandlerAdapter implements Exchange.Owner {
        private Exchange exchange;
        private RequestFlow flow;
        private HttpRequest actionSaw;

        void reset() {
            exchange = null;
            flow = null;
            actionSaw = null;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                String host = hostOf(request.headers().get(HttpHeaderNames.HOST, ""));
                InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 40000);
                exchange = new Exchange(ctx, request, peer, peer.getAddress(), secure, host,
                        host, System.nanoTime(), "test-request", HttpUtil.isKeepAlive(request), this);
                Handler last = ex -> {
                    actionSaw = ex.request();
                    return action.begin(ex);
                };
                flow = chain(last).begin(exchange);
            }
            if (msg instanceof HttpContent content) {
                if (flow != null) {
                    flow.content(content);
                } else {
                    content.release();
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (flow != null && exchange != null && !exchange.isFinished()) {
                flow.clientReadComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (flow != null && exchange != null && !exchange.isFinished()) {
                exchange.status(exchange.status() == 0 ? 499 : exchange.status());
                flow.clientClosed();
            }
        }

        @Override
        public void readRequestBody() {
            // The whole request was written at once: nothing more to read.
        }

        @Override
        public void finished(Exchange ex) {
        }

        @Override
        public void switchedProtocols() {
        }

        Result result(String raw) {
            int headEnd = raw.indexOf("\r\n\r\n");
            String head = headEnd < 0 ? raw : raw.substring(0, headEnd);
            String[] lines = head.split("\r\n");
            int status = lines[0].isEmpty() ? 0 : Integer.parseInt(lines[0].split(" ")[1]);
            HttpHeaders headers = new DefaultHttpHeaders();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
            }
            String body = headEnd < 0 ? "" : raw.substring(headEnd + 4);
            body = headers.contains(HttpHeaderNames.TRANSFER_ENCODING) ? dechunk(body) : utf8(body);
            return new Result(status, headers, body, raw, actionSaw, exchange.bytesOut());
        }
    }

    /** As Gatehouse reads it: lower case, without the port, an IPv6 literal without its brackets. */
    private static String hostOf(String authority) {
        String a = authority.toLowerCase(Locale.ROOT);
        if (a.startsWith("[")) {
            return a.substring(1, Math.max(1, a.indexOf(']')));
        }
        int colon = a.indexOf(':');
        return colon < 0 ? a : a.substring(0, colon);
    }

    private Handler chain(Handler action) {
        Handler next = action;
        for (int i = stages.size() - 1; i >= 0; i--) {
            Stage stage = stages.get(i);
            Handler rest = next;
            next = exchange -> stage.begin(exchange, rest);
        }
        return next;
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            i = lineEnd + 2 + size + 2;
        }
        return utf8(out.toString());
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
