package dev.gatehouse.proxy;

import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.upstream.TargetLease;
import dev.gatehouse.upstream.TargetState;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Set;

/**
 * One request forwarded to an upstream: pick a target, get a channel to it on the client's event loop from the
 * route's {@link UpstreamConnector} (a pooled HTTP/1.1 connection or a new HTTP/2 stream), stream the body up and
 * the response down with backpressure both ways, then give the channel back.
 * Reads on each side are requested only while the other side is writable, so nothing is buffered whole.
 * The target is held through a {@link TargetLease} (counted in flight) from the pick to the end of the exchange;
 * outcomes are reported on it for passive health checks.
 */
final class ProxyFlow implements RequestFlow, UpstreamHandler.Listener, TargetPicker.Outcome {
    private static final Logger log = LoggerFactory.getLogger(ProxyFlow.class);
    /** RFC 9110 §9.2.2; a retry may repeat what the failed try did. */
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

    private final ProxyHandler route;
    private final Exchange exchange;
    private final ChannelHandlerContext client;
    private final HttpRequest upstreamRequest;
    private final boolean upgrade;
    private final boolean expectContinue;
    private final GrpcCall grpc;
    private final TargetPicker picker;
    private final ArrayDeque<HttpContent> pendingBody = new ArrayDeque<>();

    private TargetState target;
    private TargetLease lease;
    private Channel upstream;
    private boolean reusedConnection;
    private boolean resent;
    private boolean requestComplete;
    private boolean bodySent;
    private boolean headWritten;
    private boolean lastWritten;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean upstreamKeepAlive;
    private boolean waitingUpstreamWritable;
    private boolean waitingClientWritable;
    private boolean done;
    private boolean continueSent;
    private HttpResponse switchingResponse;

    ProxyFlow(ProxyHandler route, Exchange exchange) {
        this.route = route;
        this.exchange = exchange;
        this.client = exchange.ctx();
        HttpRequest request = exchange.request();
        this.expectContinue = HttpUtil.is100ContinueExpected(request);
        this.upgrade = route.connector.relaysUpgrades() && UpstreamRequest.isUpgrade(request.headers());
        this.grpc = GrpcCall.of(request.headers());
        this.picker = new TargetPicker(route.pool, new ProxyRequestKey(exchange), client.channel().eventLoop(), this);
        this.upstreamRequest = UpstreamRequest.prepare(request, upgrade, exchange, route.forwarded);
    }

    void start() {
        route.pool.countRequest();
        grpc.startDeadline(client.channel().eventLoop(), () -> {
            if (!responseComplete) {
                fail(ProxyFailure.GRPC_DEADLINE, null);
            }
        });
        picker.first();
    }

    // ---- choosing a target and a connection

    @Override
    public void picked(TargetLease lease) {
        connect(lease);
    }

    @Override
    public void failed(ProxyFailure failure) {
        fail(failure, null);
    }

    @Override
    public boolean ended() {
        return done;
    }

    /** Another target after a failure; false when there is none left to try. */
    private boolean retryElsewhere() {
        Optional<TargetLease> next = picker.another();
        next.ifPresent(this::connect);
        return next.isPresent();
    }

    private void connect(TargetLease picked) {
        lease = picked;
        target = picked.target();
        exchange.upstream(route.pool.name(), target.address());
        exchange.upstreamTargetPicked(upstreamRequest.headers());
        Channel pooled = route.connector.pooled(target.target());
        if (pooled != null) {
            reusedConnection = true;
            bind(pooled);
            return;
        }
        openConnection();
    }

    private void openConnection() {
        reusedConnection = false;
        route.connector.open(client.channel().eventLoop(), target.target()).addListener((Future<Channel> f) -> {
            if (done) {
                if (f.isSuccess()) {
                    f.getNow().close();
                }
            } else if (f.isSuccess()) {
                bind(f.getNow());
            } else {
                connectFailed(ProxyFailure.of(f.cause()), f.cause());
            }
        });
    }

    private void connectFailed(ProxyFailure failure, Throwable cause) {
        lease.failed(failure.cause());
        TargetState failed = target;
        releaseLease();
        // Nothing reached the upstream: another target is always safe to try, outside the retry budget.
        if (retryElsewhere()) {
            log.warn("site={} upstream={} target={} {}, trying another target", exchange.site(), route.pool.name(),
                    failed.address(), failure.cause());
        } else {
            target = failed;
            fail(failure, cause); // logs it
        }
    }

    /**
     * After the request (or part of it) reached a target: another target only for an idempotent method whose body
     * had not started to stream, within retries.attempts and the pool's retry budget.
     */
    private boolean retryAfterSending(ProxyFailure failure) {
        if (responseStarted || bodySent || !pendingBody.isEmpty() || upgrade
                || !IDEMPOTENT.contains(exchange.request().method())
                || !picker.mayRetry()) {
            return false;
        }
        TargetState failed = target;
        if (!retryElsewhere()) {
            target = failed;
            return false;
        }
        picker.retried();
        log.warn("site={} upstream={} target={} {}, retrying on {}", exchange.site(), route.pool.name(),
                failed.address(), failure.cause(), target.address());
        return true;
    }

    private void bind(Channel ch) {
        upstream = ch;
        ch.pipeline().get(UpstreamHandler.class).attach(this);
        if (lease != null) {
            lease.cutWith(() -> ch.close()); // a removed target's deregistration delay ends here
        }
        if (expectContinue && !requestComplete && !continueSent) {
            continueSent = true;
            // The upstream is reachable: tell the client to send its body (the Expect header is not forwarded).
            client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        headWritten = false;
        lastWritten = false;
        if (requestComplete || !pendingBody.isEmpty()) {
            writeHead();
        } // else with the first piece of the body, which for a request without one is its end (see content)
        if (requestComplete) {
            armHeaderTimeout();
        } else if (ch.isWritable()) {
            exchange.readRequestBody();
        } else {
            waitingUpstreamWritable = true;
        }
        ch.read();
    }

    /**
     * Writes the request head and whatever of the body is held. A request that is only a head goes as one message,
     * so that HTTP/2 ends the stream with its HEADERS frame rather than an empty DATA frame after it: a stream an
     * upstream refused by GOAWAY then leaves nothing behind that the upstream could take for a protocol error.
     */
    private void writeHead() {
        headWritten = true;
        if (requestComplete && !bodySent && pendingBody.stream().noneMatch(ProxyFlow::carriesSomething)) {
            releasePending();
            upstream.write(new DefaultFullHttpRequest(upstreamRequest.protocolVersion(), upstreamRequest.method(),
                    upstreamRequest.uri(), Unpooled.EMPTY_BUFFER, upstreamRequest.headers(),
                    EmptyHttpHeaders.INSTANCE), upstream.voidPromise());
            lastWritten = true;
        } else {
            upstream.write(upstreamRequest, upstream.voidPromise());
        }
        while (!pendingBody.isEmpty()) {
            writeBody(pendingBody.poll());
        }
        if (requestComplete && !lastWritten) {
            // A resend: the (empty) end of the request went to the connection that failed; this one needs its own.
            upstream.write(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
        }
        upstream.flush();
    }

    // ---- request body, client to upstream

    @Override
    public void content(HttpContent content) {
        if (done) {
            content.release();
            return;
        }
        if (content instanceof LastHttpContent) {
            requestComplete = true;
        }
        if (upstream == null) {
            pendingBody.add(content);
            return;
        }
        if (!headWritten) {
            pendingBody.add(content);
            writeHead();
        } else {
            writeBody(content);
        }
        if (requestComplete) {
            upstream.flush();
            armHeaderTimeout();
        }
    }

    private void writeBody(HttpContent content) {
        if (content.content().isReadable()) {
            bodySent = true;
        }
        if (content instanceof LastHttpContent) {
            lastWritten = true;
        }
        upstream.write(content, upstream.voidPromise());
    }

    @Override
    public void clientReadComplete() {
        if (upstream == null || done) {
            return;
        }
        upstream.flush();
        if (!requestComplete) {
            if (upstream.isWritable()) {
                exchange.readRequestBody();
            } else {
                waitingUpstreamWritable = true;
            }
        }
    }

    @Override
    public void upstreamWritable() {
        if (waitingUpstreamWritable && !requestComplete) {
            waitingUpstreamWritable = false;
            exchange.readRequestBody();
        }
    }

    private void armHeaderTimeout() {
        if (!responseStarted && upstream != null && !grpc.hasDeadline()) {
            upstream.pipeline().get(UpstreamHandler.class).armHeaderTimeout(route.timeouts.upstreamHeader().toMillis());
        }
    }

    @Override
    public void upstreamHeaderTimeout() {
        if (!responseStarted && !done) {
            upstreamBroken(ProxyFailure.HEADER_TIMEOUT, null);
        }
    }

    // ---- response, upstream to client

    @Override
    public void upstreamMessage(HttpObject msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Throwable invalid = invalidity(msg);
        if (invalid != null) {
            ReferenceCountUtil.release(msg);
            upstreamBroken(ProxyFailure.INVALID_RESPONSE, invalid);
            return;
        }
        if (msg instanceof FullHttpResponse whole) {
            wholeResponse(whole);
            return;
        }
        if (msg instanceof HttpResponse response && responseHead(response)) {
            client.write(response, client.voidPromise());
        }
        if (msg instanceof HttpContent content) {
            responseContent(content);
        }
    }

    /**
     * Why a piece of the response is not to be relayed, or null: the HTTP/1.1 codec marks what broke its rules; a
     * status outside 100..599 (RFC 9110 §15) is refused here for HTTP/2 upstreams too.
     */
    private static Throwable invalidity(HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            return msg.decoderResult().cause();
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            if (code < 100 || code > 599) {
                return new InvalidResponseException("invalid status code \"" + code + "\" (expected: 100 to 599)");
            }
        }
        return null;
    }

    /**
     * An HTTP/2 upstream's response that is a single HEADERS frame (a gRPC trailers-only answer, a 204) arrives as
     * one message; it is relayed as one, so that an HTTP/2 client gets one HEADERS frame too.
     */
    private void wholeResponse(FullHttpResponse response) {
        if (!responseHead(response)) {
            response.release();
            return;
        }
        exchange.addBytesOut(response.content().readableBytes());
        responseComplete = true;
        releaseUpstream();
        client.writeAndFlush(response).addListener(this::responseWritten);
    }

    /** Takes in a response head; true when it is to be relayed to the client now. */
    private boolean responseHead(HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            relayInterim(response);
            return false;
        }
        cancelHeaderTimeout();
        responseStarted = true;
        exchange.status(code);
        lease.responded(code);
        if (code == 101 && upgrade) {
            switchingResponse = response; // switched once the (empty) body of the 101 has been seen
            return false;
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        if (!requestComplete) {
            exchange.closeAfterResponse(); // the rest of the client's body will not be read
        }
        UpstreamResponse.prepare(response, exchange);
        route.pool.stickyCookie().ifPresent(sticky -> StickyCookie.set(response, sticky, target,
                new ProxyRequestKey(exchange), exchange.secure()));
        return true;
    }

    /**
     * RFC 9110 §15.2: a proxy forwards interim responses (103 Early Hints, 102 Processing), except to an HTTP/1.0
     * client, and except 100 Continue, which Gatehouse answered itself (the Expect header is not forwarded).
     */
    private void relayInterim(HttpResponse response) {
        if (response.status().code() == 100 || exchange.request().protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            return;
        }
        HopByHop.strip(response.headers(), false);
        client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                Unpooled.EMPTY_BUFFER, response.headers(), EmptyHttpHeaders.INSTANCE), client.voidPromise());
    }

    private void responseContent(HttpContent content) {
        if (exchange.status() == 101 && upgrade) {
            content.release();
            if (content instanceof LastHttpContent) {
                switchProtocols();
            }
            return;
        }
        if (exchange.status() == 0 || exchange.status() < 200 && exchange.status() != 101) {
            content.release();
            return; // body of an interim response: nothing
        }
        exchange.addBytesOut(content.content().readableBytes());
        if (content instanceof LastHttpContent) {
            responseComplete = true;
            releaseUpstream();
            client.writeAndFlush(content).addListener(this::responseWritten);
        } else {
            client.write(content, client.voidPromise());
        }
    }

    @Override
    public void upstreamReadComplete() {
        if (done || upstream == null) {
            return;
        }
        client.flush();
        if (!responseComplete) {
            if (client.channel().isWritable()) {
                upstream.read();
            } else {
                waitingClientWritable = true;
            }
        }
    }

    @Override
    public void clientWritable() {
        if (waitingClientWritable && upstream != null && !done) {
            waitingClientWritable = false;
            upstream.read();
        }
    }

    private void responseWritten(io.netty.util.concurrent.Future<? super Void> f) {
        if (!f.isSuccess()) {
            exchange.cause("client-write");
            exchange.closeAfterResponse();
        }
        done = true;
        exchange.finish();
    }

    /** The response is complete: the connection goes back to the pool if both sides were done with it cleanly. */
    private void releaseUpstream() {
        Channel ch = upstream;
        upstream = null;
        ch.pipeline().get(UpstreamHandler.class).detach();
        route.connector.release(target.target(), ch, upstreamKeepAlive && requestComplete);
        releaseLease();
    }

    private void releaseLease() {
        if (lease != null) {
            lease.release();
            lease = null;
        }
    }

    /** After a 101: relay the 101 to the client, drop HTTP on both connections and relay bytes. */
    private void switchProtocols() {
        Channel up = upstream;
        upstream = null;
        done = true;
        UpstreamResponse.prepareSwitch(switchingResponse, exchange);
        client.write(switchingResponse, client.voidPromise());
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        exchange.switchedProtocols();
        up.pipeline().remove(UpstreamHandler.class);
        up.pipeline().remove("http-codec");
        TargetLease held = lease; // an open tunnel counts as a request in flight until it closes
        lease = null;
        Tunnel.join(client.channel(), up, route.timeouts.websocket(), exchange::addBytesOut, () -> {
            held.release();
            exchange.finish();
        });
    }

    // ---- failures and the end

    @Override
    public void upstreamClosed() {
        upstreamBroken(ProxyFailure.CLOSED, null);
    }

    @Override
    public void upstreamFailed(Throwable cause) {
        upstreamBroken(ProxyFailure.of(cause), cause);
    }

    @Override
    public void upstreamIdle() {
        // Silence from the upstream is expected while the client is still uploading (watched on the client side)
        // or while the client is slow to take the response.
        if (requestComplete && !waitingClientWritable && !grpc.hasDeadline()) {
            upstreamBroken(ProxyFailure.IDLE_TIMEOUT, null);
        }
    }

    private void upstreamBroken(ProxyFailure failure, Throwable cause) {
        if (done || responseComplete) {
            return;
        }
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            ch.pipeline().get(UpstreamHandler.class).detach();
            ch.close();
        }
        if (failure == ProxyFailure.INVALID_RESPONSE) {
            lease.failed(failure.cause());
            fail(failure, cause); // the upstream did answer, wrongly: trying again would only hide it (as nginx)
            return;
        }
        // A kept-alive connection the upstream had just closed, or an HTTP/2 stream it refused: the request was not
        // processed; send it once more.
        if (!responseStarted && !resent && (reusedConnection || failure == ProxyFailure.STREAM_REFUSED)
                && !bodySent && pendingBody.isEmpty() && failure != ProxyFailure.HEADER_TIMEOUT) {
            resent = true;
            cancelHeaderTimeout();
            openConnection();
            return;
        }
        lease.failed(failure.cause());
        if (!responseStarted) {
            releaseLease();
            if (retryAfterSending(failure)) {
                return;
            }
        }
        fail(failure, cause);
    }

    /** Answers the client with the failure when nothing was sent yet, else cuts the connection short. */
    private void fail(ProxyFailure failure, Throwable cause) {
        if (!stop()) {
            return;
        }
        exchange.cause(failure.cause());
        if (target != null) {
            log.warn("site={} upstream={} target={} {}{}", exchange.site(), route.pool.name(), target.address(),
                    failure.cause(), ProxyFailure.detail(cause));
        } else {
            log.warn("site={} upstream={} {}", exchange.site(), route.pool.name(), failure.cause());
        }
        if (responseStarted && grpc.isGrpc() && exchange.status() != 101) {
            // A gRPC client must see an error status, never a stream that merely ended: end it with trailers.
            if (!requestComplete) {
                exchange.closeAfterResponse();
            }
            client.writeAndFlush(failure.grpcTrailers()).addListener(f -> exchange.finish());
        } else if (responseStarted) {
            exchange.closeAfterResponse();
            client.close();
            exchange.finish();
        } else {
            if (!requestComplete) {
                exchange.closeAfterResponse();
            }
            FullHttpResponse response = grpc.isGrpc() ? failure.grpcResponse()
                    : Exchange.textResponse(failure.status(), failure.message());
            if (failure.status().code() == 503 && !grpc.isGrpc()) {
                response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds());
            }
            exchange.respond(response);
        }
    }

    @Override
    public void clientClosed() {
        if (stop()) {
            exchange.cause("client-closed");
            exchange.finish();
        }
    }

    @Override
    public void clientIdle() {
        if ((waitingClientWritable || !requestComplete) && stop()) {
            exchange.cause("client-idle");
            exchange.finish();
            client.close();
        }
    }

    /** The server answers the client itself (body over the limit, shutdown): only let go of the upstream. */
    @Override
    public void abort() {
        stop();
    }

    /** Drops the upstream side and whatever is held for it; false when the flow had already ended. */
    private boolean stop() {
        if (done) {
            return false;
        }
        done = true;
        cancelHeaderTimeout();
        grpc.cancelDeadline();
        releasePending();
        if (upstream != null) {
            upstream.pipeline().get(UpstreamHandler.class).detach();
            upstream.close();
            upstream = null;
        }
        picker.cancel();
        releaseLease();
        return true;
    }

    /** A 503 tells the client when to come back: after the queue's wait, at least a second. */
    private long retryAfterSeconds() {
        return Math.max(1, (route.pool.config().queue().timeout().toMillis() + 999) / 1000);
    }

    private static boolean carriesSomething(HttpContent c) {
        return c.content().isReadable() || c instanceof LastHttpContent last && !last.trailingHeaders().isEmpty();
    }

    private void releasePending() {
        HttpContent c;
        while ((c = pendingBody.poll()) != null) {
            c.release();
        }
    }

    private void cancelHeaderTimeout() {
        if (upstream != null) {
            upstream.pipeline().get(UpstreamHandler.class).disarmHeaderTimeout();
        }
    }
}
