package dev.gatehouse.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One request and its response, from the head's arrival to the last byte written. Carries what the handlers
 * need (the client channel, the request, who the client is) and collects what the access log prints.
 * Confined to the client channel's event loop.
 */
public final class Exchange {

    /** Callbacks into the connection that owns this exchange. */
    public interface Owner {
        /** The handler wants the next piece of the request body. */
        void readRequestBody();

        /** The response has been written completely (or the exchange was abandoned). */
        void finished(Exchange exchange);

        /** A 101 was relayed: HTTP handling of the client connection must stop; raw bytes follow. */
        void switchedProtocols();
    }

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final InetSocketAddress remote;
    private final InetAddress client;
    private String clientIp;
    private final boolean secure;
    private final String host;
    private final String site;
    private final long startNanos;
    private final String requestId;
    private final Owner owner;
    private boolean keepAlive;
    private boolean finished;
    private int status;
    private long bytesOut;
    private String upstream = "-";
    private String target = "-";
    private String cause = "";
    private String user = "-";
    private Runnable bodySource;
    private Runnable onFinish;
    private ResponseFilterHandler.Chain filters;
    private UpstreamHeadEditor upstreamHead;
    private String rewrittenUri;
    private boolean upstreamResponse;

    /**
     * @param remote the peer ({@link PeerAddress}): the socket's, or the one a PROXY protocol header announced
     * @param client the request's client ({@link ClientAddresses}): the peer, or who a trusted proxy forwarded for
     */
    public Exchange(ChannelHandlerContext ctx, HttpRequest request, InetSocketAddress remote, InetAddress client,
                    boolean secure, String host, String site, long startNanos, String requestId, boolean keepAlive,
                    Owner owner) {
        this.ctx = ctx;
        this.request = request;
        this.remote = remote;
        this.client = client;
        this.secure = secure;
        this.host = host;
        this.site = site;
        this.startNanos = startNanos;
        this.requestId = requestId;
        this.keepAlive = keepAlive;
        this.owner = owner;
    }

    public ChannelHandlerContext ctx() {
        return ctx;
    }

    public HttpRequest request() {
        return request;
    }

    /** The peer that sent the request: the client itself, or a proxy in front of Gatehouse. */
    public InetSocketAddress remote() {
        return remote;
    }

    /**
     * The client's real address ({@link ClientAddresses}): what source conditions, allow/deny, rate limits, the access
     * log and {@code {client_ip}} see.
     */
    public InetAddress client() {
        return client;
    }

    /** {@link #client()} as text ({@code 192.0.2.1}, {@code 2001:db8::1}), made once. */
    public String clientIp() {
        if (clientIp == null) {
            clientIp = NetUtil.toAddressString(client);
        }
        return clientIp;
    }

    public boolean secure() {
        return secure;
    }

    /** Host name the request was for, lower case, without port. */
    public String host() {
        return host;
    }

    /** Name of the site that matched ("-" when none). */
    public String site() {
        return site;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The request's id ({@link RequestIds}): sent upstream, returned to the client, written in the access log. */
    public String requestId() {
        return requestId;
    }

    public boolean isHead() {
        return HttpMethod.HEAD.equals(request.method());
    }

    /** Whether the client connection stays open after this response. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Asks for the client connection to be closed after this response. */
    public void closeAfterResponse() {
        keepAlive = false;
    }

    /** The handler wants the next piece of the request body: from the client, or from {@link #serveBodyReads}. */
    public void readRequestBody() {
        if (bodySource != null) {
            bodySource.run();
        } else {
            owner.readRequestBody();
        }
    }

    /**
     * Runs {@code action} once when the exchange finishes, before its connection hears of it: for a stage that holds
     * something for the request (a buffered body's temp file) and must let go however the exchange ends.
     */
    public void whenFinished(Runnable action) {
        Runnable before = onFinish;
        onFinish = before == null ? action : () -> {
            before.run();
            action.run();
        };
    }

    /**
     * From now on the handler's {@link #readRequestBody} calls go to {@code source} instead of the client connection:
     * for a stage that has read the whole body itself (buffer_requests) and hands it on piece by piece.
     */
    public void serveBodyReads(Runnable source) {
        bodySource = source;
    }

    /**
     * The request-target the action works on: the client's, unless a stage rewrote it ({@link #rewriteUri}). What the
     * client asked for stays in {@code request().uri()}, for the access log and placeholders.
     */
    public String targetUri() {
        return rewrittenUri != null ? rewrittenUri : request.uri();
    }

    /** Makes the action (the proxy, the files) work on {@code uri} (origin form) instead of the client's target. */
    public void rewriteUri(String uri) {
        rewrittenUri = uri;
    }

    /** Has {@code editor} change the request head the proxy sends upstream (see {@link UpstreamHeadEditor}). */
    public void editUpstreamHead(UpstreamHeadEditor editor) {
        UpstreamHeadEditor before = upstreamHead;
        upstreamHead = before == null ? editor : new UpstreamHeadEditor() {
            @Override
            public void prepared(HttpHeaders headers, Exchange exchange) {
                before.prepared(headers, exchange);
                editor.prepared(headers, exchange);
            }

            @Override
            public void targetPicked(HttpHeaders headers, Exchange exchange) {
                before.targetPicked(headers, exchange);
                editor.targetPicked(headers, exchange);
            }
        };
    }

    /** The proxy has prepared the upstream head: registered editors get their say. */
    public void upstreamHeadPrepared(HttpHeaders headers) {
        if (upstreamHead != null) {
            upstreamHead.prepared(headers, this);
        }
    }

    /** The proxy picked a target (again): registered editors get their say. */
    public void upstreamTargetPicked(HttpHeaders headers) {
        if (upstreamHead != null) {
            upstreamHead.targetPicked(headers, this);
        }
    }

    /** The response being written is an upstream's (relayed), not one of Gatehouse's own answers. */
    public void markUpstreamResponse() {
        upstreamResponse = true;
    }

    /** Whether the response is an upstream's ({@link #markUpstreamResponse}); false for Gatehouse's own answers. */
    public boolean isUpstreamResponse() {
        return upstreamResponse;
    }

    /** Hands the client connection over to a raw byte relay after a 101 has been written. */
    public void switchedProtocols() {
        owner.switchedProtocols();
    }

    /** Who the request was authenticated as ("-" when nobody): the access log's user field. */
    public String user() {
        return user;
    }

    public void user(String user) {
        this.user = user;
    }

    public boolean isFinished() {
        return finished;
    }

    /** Marks the exchange complete; called once, after the last response byte was written (or abandoned). */
    public void finish() {
        if (!finished) {
            finished = true;
            if (onFinish != null) {
                onFinish.run();
            }
            if (filters != null) {
                filters.end();
            }
            owner.finished(this);
        }
    }

    /**
     * Passes this exchange's response through {@code filter} on its way to the client, whoever writes it (see
     * {@link ResponseFilter}). Called by a stage before it passes the request on or answers it; filters added later
     * see the response first (the innermost stage's filter is nearest to the action).
     */
    public void filterResponse(ResponseFilter filter) {
        if (filters == null) {
            filters = ResponseFilterHandler.attach(this, ctx);
        }
        filters.add(filter);
    }

    /**
     * Writes a complete small response (error pages, redirects, fixed bodies) and finishes the exchange when it is
     * written. A HEAD request gets the same headers and no body.
     */
    public ChannelFuture respond(FullHttpResponse response) {
        status = response.status().code();
        applyKeepAlive(response);
        int length = response.content().readableBytes();
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        if (isHead()) {
            response.content().clear();
        } else {
            bytesOut += length;
        }
        return ctx.writeAndFlush(response).addListener(f -> finish());
    }

    /**
     * Sets the response's Connection header from {@link #keepAlive()}: nothing for HTTP/1.1 keep-alive,
     * {@code keep-alive} for an HTTP/1.0 client that asked for it, {@code close} otherwise.
     */
    public void applyKeepAlive(HttpResponse response) {
        if (keepAlive && request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            HttpUtil.setKeepAlive(response, keepAlive);
        }
    }

    /** {@link #respond} with a short plain-text body. */
    public ChannelFuture respondText(HttpResponseStatus status, String body) {
        return respond(textResponse(status, body));
    }

    /** A complete plain-text response; the body gets a trailing newline so terminals show it cleanly. */
    public static FullHttpResponse textResponse(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8");
        return response;
    }

    // What the access log prints.

    public int status() {
        return status;
    }

    public void status(int status) {
        this.status = status;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public void addBytesOut(long n) {
        bytesOut += n;
    }

    public String upstream() {
        return upstream;
    }

    public String target() {
        return target;
    }

    public void upstream(String upstream, String target) {
        this.upstream = upstream;
        this.target = target;
    }

    /** Why the exchange failed, when it did ("" otherwise): a short word for logs such as "connect-refused". */
    public String cause() {
        return cause;
    }

    public void cause(String cause) {
        this.cause = cause;
    }
}
