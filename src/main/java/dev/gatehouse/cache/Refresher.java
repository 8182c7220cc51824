package dev.gatehouse.cache;

import dev.gatehouse.config.CacheRule;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.http.RequestIds;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stale-while-revalidate's background request (RFC 5861 §3): once per URL at a time, the rest of the route's chain
 * (the proxy) is run for an exchange that has no client. Its "client connection" is a channel that is never
 * connected: it runs on the event loop of the request that triggered the refresh (so the proxy opens its upstream
 * connection there, as for any request), and whatever is written to it is dropped after the cache's
 * {@link ForwardFilter} has stored it.
 */
final class Refresher {
    private static final Logger log = LoggerFactory.getLogger(Refresher.class);

    private final ResponseCache cache;
    private final CacheRule rule;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    Refresher(ResponseCache cache, CacheRule rule) {
        this.cache = cache;
        this.rule = rule;
    }

    /** Starts the refresh of {@code key} unless one is running; on the triggering exchange's event loop. */
    void refresh(Exchange trigger, Handler next, String key, StoredResponse stale) {
        if (!running.add(key)) {
            return;
        }
        try {
            start(trigger, next, key, stale);
        } catch (RuntimeException e) {
            running.remove(key);
            log.warn("site={} cache refresh of {} not started: {}", trigger.site(), key, e.toString());
        }
    }

    private void start(Exchange trigger, Handler next, String key, StoredResponse stale) {
        EventLoop loop = trigger.ctx().channel().eventLoop();
        Detached channel = new Detached(loop);
        channel.pipeline().addLast("drop", new Drop()).addLast("refresh", new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().context("refresh");
        HttpRequest original = trigger.request();
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, original.uri(),
                original.headers().copy());
        request.headers().remove(HttpHeaderNames.CACHE_CONTROL);
        HttpRequest client = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, original.uri(),
                request.headers().copy());
        boolean revalidating = stale.hasValidator();
        Validation.makeConditional(request.headers(), stale); // its validators, none of the client's preconditions
        CacheStage.announceSurrogate(request.headers());
        Exchange exchange = new Exchange(ctx, request, trigger.remote(), trigger.client(), trigger.secure(),
                trigger.host(), trigger.site(), System.nanoTime(), RequestIds.generate(), false, new Exchange.Owner() {
                    @Override
                    public void readRequestBody() {
                    }

                    @Override
                    public void finished(Exchange e) {
                        running.remove(key);
                        channel.close();
                        log.debug("site={} cache refreshed {}: {}", e.site(), key, e.status());
                    }

                    @Override
                    public void switchedProtocols() {
                    }
                });
        exchange.filterResponse(new ForwardFilter(new ForwardFilter.Plan(exchange, cache, rule, trigger.site(), key,
                client, RequestRules.NONE, System.currentTimeMillis(), "stale", stale, revalidating, null, false,
                true)));
        RequestFlow flow = next.begin(exchange);
        flow.content(LastHttpContent.EMPTY_LAST_CONTENT);
        flow.clientReadComplete();
    }

    /**
     * A channel that is never connected, working on a real event loop: the pipeline and its contexts run there (an
     * embedded channel's own loop only registers it).
     */
    static final class Detached extends EmbeddedChannel {
        private final EventLoop loop;

        Detached(EventLoop loop) {
            super();
            this.loop = loop;
        }

        @Override
        public EventLoop eventLoop() {
            return loop != null ? loop : super.eventLoop();
        }
    }

    /** Drops whatever the exchange writes: the filters before it have seen and stored it. */
    static final class Drop extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
        }
    }
}
