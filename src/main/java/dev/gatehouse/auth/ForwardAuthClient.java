package dev.gatehouse.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Asks an auth service about a request, as nginx's {@code auth_request} does: the service gets the request's headers
 * (all but hop-by-hop ones, or only {@code requestHeaders}) and its method, URI, host and scheme as
 * {@code X-Forwarded-Method/-Uri/-Host/-Proto} (and the client as {@code X-Forwarded-For}), no body. A 2xx lets the
 * request through with {@code copyHeaders} of the answer; any other answer goes back to the client as it is; no answer
 * within the timeout, or no connection, is a failure (503), never a pass.
 *
 * <p>Runs on the client's own event loop (connections are opened there and kept alive per loop), so nothing blocks
 * and no byte crosses threads. Answers of at most {@link #MAX_ANSWER} bytes are relayed; larger ones fail.
 */
public final class ForwardAuthClient {
    /** Largest answer body relayed to a client (a login page, a problem document). */
    public static final int MAX_ANSWER = 1 << 20;
    static final int MAX_IDLE_PER_LOOP = 32;
    static final int MAX_CACHED = 10_000;

    public static final AsciiString X_FORWARDED_METHOD = AsciiString.cached("x-forwarded-method");
    public static final AsciiString X_FORWARDED_URI = AsciiString.cached("x-forwarded-uri");
    public static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    public static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    public static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    /** Never sent to the auth service: they describe the client's connection or its body, not the request. */
    private static final Set<String> NOT_SENT = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "expect", "host", "http2-settings", "proxy-authorization");

    /** The request being asked about. */
    public record Question(HttpRequest request, String host, boolean secure, String clientIp) {
    }

    /** What the service said. */
    public sealed interface Answer permits Passed, Refused, Failed {
    }

    /** 2xx: go on, with these headers (from {@code copyHeaders}) set on the request. */
    public record Passed(HttpHeaders copied) implements Answer {
    }

    /** Any other status: this response goes to the client as it is (the receiver owns it and must release it). */
    public record Refused(FullHttpResponse response) implements Answer {
    }

    /** No answer: connection refused, timeout, a broken or oversized answer. */
    public record Failed(String reason) implements Answer {
    }

    /** Where the answer goes; called once, on the event loop the question was asked on. */
    public interface Callback {
        void answer(Answer answer);
    }

    private final URI url;
    private final String requestTarget;
    private final String hostHeader;
    private final HttpMethod method;
    private final Duration timeout;
    private final List<String> copyHeaders;
    private final Optional<List<String>> requestHeaders;
    private final Optional<Cache<Key, HttpHeaders>> cache;
    private final Class<? extends SocketChannel> channelType;
    private final Optional<SslContext> tls;
    private final FastThreadLocal<ArrayDeque<Channel>> idle = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<Channel> initialValue() {
            return new ArrayDeque<>();
        }
    };

    private record Key(long a, long b, long c, long d) {
    }

    /**
     * @param url            {@code http://} or {@code https://} (verified against the system trust store)
     * @param requestHeaders when present, only these request headers are sent (names, any case)
     * @param cache          when present, 2xx answers are remembered this long per request line and credentials
     */
    public ForwardAuthClient(URI url, HttpMethod method, Duration timeout, List<String> copyHeaders,
                             Optional<List<String>> requestHeaders, Optional<Duration> cache,
                             Class<? extends SocketChannel> channelType) {
        this.url = url;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.requestTarget = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        this.hostHeader = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
        this.method = method;
        this.timeout = timeout;
        this.copyHeaders = List.copyOf(copyHeaders);
        this.requestHeaders = requestHeaders.map(l -> l.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
        this.cache = cache.map(d -> Caffeine.newBuilder().maximumSize(MAX_CACHED).expireAfterWrite(d)
                .executor(Runnable::run).build());
        this.channelType = channelType;
        this.tls = url.getScheme().equalsIgnoreCase("https") ? Optional.of(clientTls()) : Optional.empty();
    }

    private static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new UncheckedIOException("cannot set up TLS towards the auth service: " + e.getMessage(), e);
        }
    }

    private int port() {
        return url.getPort() > 0 ? url.getPort() : tls.isPresent() ? 443 : 80;
    }

    /** The headers the client may not set itself on a request that passed: the auth service's {@code copyHeaders}. */
    public List<String> copyHeaders() {
        return copyHeaders;
    }

    /** Asks about {@code question} on {@code loop} (the client's event loop); answers on it. */
    public void ask(EventLoop loop, Question question, Callback callback) {
        FullHttpRequest request = authRequest(question);
        Key key = cache.isPresent() ? key(request) : null;
        if (key != null) {
            HttpHeaders remembered = cache.get().getIfPresent(key);
            if (remembered != null) {
                request.release();
                callback.answer(new Passed(remembered));
                return;
            }
        }
        Call call = new Call(loop, request, key, callback);
        Channel ch = pollIdle();
        if (ch != null) {
            call.reused = true;
            call.send(ch);
        } else {
            call.connect();
        }
    }

    FullHttpRequest authRequest(Question q) {
        HttpHeaders headers = new DefaultHttpHeaders();
        HttpHeaders original = q.request().headers();
        Set<String> named = connectionNamed(original);
        for (Map.Entry<String, String> h : original) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            boolean wanted = requestHeaders.map(l -> l.contains(name)).orElse(true);
            if (wanted && !NOT_SENT.contains(name) && !named.contains(name) && !name.startsWith("x-forwarded-")) {
                headers.add(h.getKey(), h.getValue());
            }
        }
        headers.set(HttpHeaderNames.HOST, hostHeader);
        headers.set(X_FORWARDED_METHOD, q.request().method().name());
        headers.set(X_FORWARDED_PROTO, q.secure() ? "https" : "http");
        headers.set(X_FORWARDED_HOST, q.host());
        headers.set(X_FORWARDED_URI, q.request().uri());
        headers.set(X_FORWARDED_FOR, q.clientIp());
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, requestTarget, Unpooled.EMPTY_BUFFER, headers,
                new DefaultHttpHeaders());
    }

    private static Set<String> connectionNamed(HttpHeaders headers) {
        String connection = headers.get(HttpHeaderNames.CONNECTION);
        if (connection == null) {
            return Set.of();
        }
        java.util.HashSet<String> out = new java.util.HashSet<>();
        for (String t : connection.split(",")) {
            out.add(t.trim().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** The request line and the credentials (Authorization, Cookie; or the {@code requestHeaders} sent). */
    private Key key(FullHttpRequest request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            HttpHeaders h = request.headers();
            for (CharSequence name : new CharSequence[] {X_FORWARDED_METHOD, X_FORWARDED_PROTO, X_FORWARDED_HOST,
                    X_FORWARDED_URI}) {
                update(sha, h.get(name));
            }
            List<String> credentials = requestHeaders.orElse(List.of("authorization", "cookie"));
            for (String name : credentials) {
                for (String v : h.getAll(name)) {
                    update(sha, name);
                    update(sha, v);
                }
            }
            java.nio.ByteBuffer d = java.nio.ByteBuffer.wrap(sha.digest());
            return new Key(d.getLong(), d.getLong(), d.getLong(), d.getLong());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        sha.update((byte) (b.length >>> 24));
        sha.update((byte) (b.length >>> 16));
        sha.update((byte) (b.length >>> 8));
        sha.update((byte) b.length);
        sha.update(b);
    }

    private Channel pollIdle() {
        ArrayDeque<Channel> q = idle.get();
        Channel ch;
        while ((ch = q.pollFirst()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    private void release(Channel ch) {
        ArrayDeque<Channel> q = idle.get();
        if (q.size() >= MAX_IDLE_PER_LOOP) {
            ch.close();
        } else {
            ch.pipeline().get(AnswerHandler.class).call = null;
            q.addFirst(ch);
            ch.read(); // learn of the service closing it while idle
        }
    }

    /** One question on its way. */
    private final class Call {
        final EventLoop loop;
        final FullHttpRequest request;
        final Key key;
        final Callback callback;
        ScheduledFuture<?> timer;
        Channel channel;
        boolean done;
        /** On a kept-alive connection, which the service may have closed just now: then one fresh try. */
        boolean reused;

        Call(EventLoop loop, FullHttpRequest request, Key key, Callback callback) {
            this.loop = loop;
            this.request = request;
            this.key = key;
            this.callback = callback;
            this.timer = loop.schedule(() -> {
                reused = false;
                fail("no answer within " + timeout.toMillis() + " ms", true);
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        void connect() {
            Bootstrap b = new Bootstrap().group(loop).channel(channelType)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            tls.ifPresent(ctx -> ch.pipeline().addLast("tls", handler(ctx, ch)));
                            ch.pipeline().addLast("http-codec", new HttpClientCodec())
                                    .addLast("aggregate", new HttpObjectAggregator(MAX_ANSWER))
                                    .addLast("answer", new AnswerHandler());
                        }
                    });
            ChannelFuture f = b.connect(new InetSocketAddress(url.getHost(), port()));
            f.addListener(r -> {
                if (r.isSuccess()) {
                    send(f.channel());
                } else {
                    fail("cannot connect: " + r.cause().getMessage(), false);
                }
            });
        }

        private SslHandler handler(SslContext ctx, Channel ch) {
            SslHandler h = ctx.newHandler(ch.alloc(), url.getHost(), port());
            SSLParameters p = h.engine().getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            h.engine().setSSLParameters(p);
            return h;
        }

        void send(Channel ch) {
            if (done) {
                release(ch);
                return;
            }
            channel = ch;
            ch.pipeline().get(AnswerHandler.class).call = this;
            ch.writeAndFlush(request.retainedDuplicate()).addListener(w -> {
                if (!w.isSuccess()) {
                    fail("cannot send: " + w.cause().getMessage(), true);
                }
            });
            ch.read();
        }

        void answered(FullHttpResponse response) {
            if (done) {
                response.release();
                return;
            }
            done = true;
            timer.cancel(false);
            request.release();
            boolean reusable = HttpUtil.isKeepAlive(response);
            int status = response.status().code();
            Answer answer;
            if (status >= 200 && status < 300) {
                HttpHeaders copied = new DefaultHttpHeaders();
                for (String name : copyHeaders) {
                    for (String v : response.headers().getAll(name)) {
                        copied.add(name, v);
                    }
                }
                response.release();
                if (key != null) {
                    cache.get().put(key, copied);
                }
                answer = new Passed(copied);
            } else {
                answer = new Refused(response);
            }
            if (reusable) {
                release(channel);
            } else {
                channel.close();
            }
            callback.answer(answer);
        }

        void fail(String reason, boolean closeChannel) {
            if (done) {
                return;
            }
            if (closeChannel && channel != null) {
                channel.pipeline().get(AnswerHandler.class).call = null;
                channel.close();
            }
            if (reused && timer.getDelay(TimeUnit.NANOSECONDS) > 0) {
                reused = false;
                channel = null;
                connect();
                return;
            }
            done = true;
            timer.cancel(false);
            request.release();
            callback.answer(new Failed(reason));
        }
    }

    /** The end of an auth connection's pipeline: hands the aggregated answer to the call waiting on it. */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        Call call;

        AnswerHandler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            Call c = call;
            call = null;
            if (c == null || response.decoderResult().isFailure()) {
                response.release();
                ctx.close();
                if (c != null) {
                    c.fail("malformed answer", true);
                }
                return;
            }
            c.answered(response);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (call != null) {
                ctx.read(); // the answer is not complete yet
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Call c = call;
            call = null;
            if (c != null) {
                c.fail("connection closed before an answer", false);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Call c = call;
            call = null;
            ctx.close();
            if (c != null) {
                c.fail(cause instanceof io.netty.handler.codec.TooLongFrameException ? "answer larger than "
                        + MAX_ANSWER + " bytes" : String.valueOf(cause.getMessage()), true);
            }
        }
    }
}
