package dev.gatehouse.proxy;

import dev.gatehouse.config.Target;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.RequestFlow;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One request forwarded to an upstream: pick a target, borrow or open a connection on the client's event loop,
 * stream the body up and the response down with backpressure both ways, then return the connection to the pool.
 * Reads on each side are requested only while the other side is writable, so nothing is buffered whole.
 */
final class ProxyFlow implements RequestFlow, UpstreamHandler.Listener {
    private static final Logger log = LoggerFactory.getLogger(ProxyFlow.class);

    private final ProxyHandler route;
    private final Exchange exchange;
    private final ChannelHandlerContext client;
    private final HttpRequest upstreamRequest;
    private final boolean upgrade;
    private final boolean expectContinue;
    private final List<Target> tried = new ArrayList<>(2);
    private final ArrayDeque<HttpContent> pendingBody = new ArrayDeque<>();

    private Target target;
    private Channel upstream;
    private boolean reusedConnection;
    private boolean requestComplete;
    private boolean bodySent;
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
        this.upgrade = UpstreamRequest.isUpgrade(request.headers());
        this.upstreamRequest = UpstreamRequest.prepare(request, upgrade, exchange, route.forwarded);
    }

    void start() {
        connectNext();
    }

    // ---- choosing a target and a connection

    private void connectNext() {
        var next = route.pool.next(tried);
        if (next.isEmpty()) {
            fail(tried.isEmpty() ? ProxyFailure.NO_TARGET : ProxyFailure.CLOSED, null);
            return;
        }
        target = next.get();
        tried.add(target);
        exchange.upstream(route.pool.name(), target.address());
        Channel pooled = route.connections.poll(target);
        if (pooled != null) {
            reusedConnection = true;
            bind(pooled);
            return;
        }
        openConnection();
    }

    private void openConnection() {
        reusedConnection = false;
        route.connections.connect(client.channel().eventLoop(), target).addListener((ChannelFuture f) -> {
            if (done) {
                f.channel().close();
            } else if (f.isSuccess()) {
                bind(f.channel());
            } else {
                connectFailed(ProxyFailure.of(f.cause()), f.cause());
            }
        });
    }

    private void connectFailed(ProxyFailure failure, Throwable cause) {
        // Nothing reached the upstream: another target is always safe to try.
        if (tried.size() < route.pool.targets().size() && route.pool.next(tried).isPresent()) {
            log.warn("site={} upstream={} target={} {}, trying another target", exchange.site(), route.pool.name(),
                    target.address(), failure.cause());
            connectNext();
        } else {
            fail(failure, cause); // logs it
        }
    }

    private void bind(Channel ch) {
        upstream = ch;
        ch.pipeline().get(UpstreamHandler.class).attach(this);
        if (expectContinue && !requestComplete && !continueSent) {
            continueSent = true;
            // The upstream is reachable: tell the client to send its body (the Expect header is not forwarded).
            client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        ch.write(upstreamRequest);
        lastWritten = false;
        while (!pendingBody.isEmpty()) {
            writeBody(pendingBody.poll());
        }
        if (requestComplete && !lastWritten) {
            // A resend after a stale kept-alive connection: the (empty) end of the request went to the old one.
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise());
        }
        ch.flush();
        if (requestComplete) {
            armHeaderTimeout();
        } else if (ch.isWritable()) {
            exchange.readRequestBody();
        } else {
            waitingUpstreamWritable = true;
        }
        ch.read();
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
        writeBody(content);
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
        if (!responseStarted && upstream != null) {
            upstream.pipeline().get(UpstreamHandler.class).armHeaderTimeout(route.timeouts.upstreamHeader().toMillis());
        }
    }

    @Override
    public void upstreamHeaderTimeout() {
        if (!responseStarted && !done) {
            fail(ProxyFailure.HEADER_TIMEOUT, null);
        }
    }

    // ---- response, upstream to client

    @Override
    public void upstreamMessage(HttpObject msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            responseHead(response);
        }
        if (msg instanceof HttpContent content) {
            responseContent(content);
        }
    }

    private void responseHead(HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            return; // 100 Continue was answered by Gatehouse itself; other interim responses are not relayed.
        }
        cancelHeaderTimeout();
        responseStarted = true;
        exchange.status(code);
        if (code == 101 && upgrade) {
            switchingResponse = response; // switched once the (empty) body of the 101 has been seen
            return;
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        if (!requestComplete) {
            exchange.closeAfterResponse(); // the rest of the client's body will not be read
        }
        UpstreamResponse.prepare(response, exchange);
        client.write(response, client.voidPromise());
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
        if (upstreamKeepAlive && requestComplete) {
            route.connections.release(target, ch);
        } else {
            ch.close();
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
        up.pipeline().remove("idle");
        up.pipeline().remove("http-codec");
        Tunnel.join(client.channel(), up, route.timeouts.websocket(), exchange::addBytesOut, exchange::finish);
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
        if (requestComplete && !waitingClientWritable) {
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
        // A kept-alive connection the upstream had just closed: the request never reached it; resend it once.
        if (!responseStarted && reusedConnection && !bodySent && pendingBody.isEmpty()) {
            cancelHeaderTimeout();
            openConnection();
            return;
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
                    failure.cause(), cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } else {
            log.warn("site={} upstream={} {}", exchange.site(), route.pool.name(), failure.cause());
        }
        if (responseStarted) {
            exchange.closeAfterResponse();
            client.close();
            exchange.finish();
        } else {
            if (!requestComplete) {
                exchange.closeAfterResponse();
            }
            exchange.respondText(failure.status(), failure.message());
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
        releasePending();
        if (upstream != null) {
            upstream.pipeline().get(UpstreamHandler.class).detach();
            upstream.close();
            upstream = null;
        }
        return true;
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
