package dev.gatehouse.cache;

import dev.gatehouse.config.CacheRule;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.ResponseFilter;
import dev.gatehouse.http.ResponseOutput;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;

/**
 * The response to a GET or HEAD the cache forwarded, on its way to the client: stores it when RFC 9111 allows (the
 * body copied as it streams by, waiting requests fed from the copy), turns a 304 to the cache's own revalidation into
 * the refreshed stored response, answers a stale one instead of an origin error when stale-if-error allows, and adds
 * Cache-Status. One per exchange, on the client's event loop.
 */
final class ForwardFilter implements ResponseFilter {
    /** What the stage decided before forwarding. */
    record Plan(Exchange exchange, ResponseCache cache, CacheRule rule, String site, String key,
                HttpRequest clientRequest,
                RequestRules request, long requestTime, String fwd, StoredResponse stale, boolean revalidating,
                InFlight leading, boolean collapsedWaiter, boolean background) {
    }

    private enum Mode { PASS, STORE, REPLACED }

    private final Plan plan;
    private Mode mode = Mode.PASS;
    private InFlight store;

    ForwardFilter(Plan plan) {
        this.plan = plan;
    }

    @Override
    public void head(HttpResponse head, ResponseOutput out) {
        int code = head.status().code();
        long now = System.currentTimeMillis();
        CacheMeters meters = plan.cache().meters();
        if (plan.revalidating() && code == 304 && plan.stale() != null) {
            StoredResponse updated = plan.stale().updatedBy(head.headers(), plan.requestTime(), now, plan.rule());
            if (updated.body.retain()) {
                try {
                    plan.cache().update(plan.stale(), updated);
                    if (plan.background()) { // a stale-while-revalidate refresh: nobody to answer
                        ReferenceCountUtil.release(head);
                        mode = Mode.REPLACED;
                        return;
                    }
                    CacheStatus status = CacheStatus.forward("stale").fwdStatus(304).ttl(updated.ttl(now));
                    Answer a = Answer.of(updated, plan.clientRequest(), now, status);
                    if (plan.rule().setCookie() != CacheRule.SetCookie.STORE) {
                        // The cookie is this client's, not the stored response's (§3.2 stores all but what the
                        // cache's policy keeps out): it goes to this answer only.
                        head.headers().getAll(HttpHeaderNames.SET_COOKIE)
                                .forEach(c -> a.head().headers().add(HttpHeaderNames.SET_COOKIE, c));
                    }
                    if (Responder.emit(a, updated, out::write)) {
                        ReferenceCountUtil.release(head);
                        mode = Mode.REPLACED;
                        meters.count(plan.site(), CacheMeters.Result.REVALIDATED);
                        release();
                        return;
                    }
                } finally {
                    updated.body.release();
                }
            }
        }
        boolean unreachable = code >= 500 && unreachable(code);
        String staleWhy = code >= 500 ? Decision.staleOnError(plan.stale(), plan.request(), now,
                unreachable ? plan.rule().staleIfUnreachable().toMillis() : 0) : null;
        if (staleWhy != null) {
            CacheStatus status = CacheStatus.forward("stale").ttl(plan.stale().ttl(now)).detail(staleWhy);
            if (!unreachable) {
                status.fwdStatus(code); // RFC 9211 §2.3: the next hop's status; an unreachable one gave none
            }
            if (Responder.emit(Answer.of(plan.stale(), plan.clientRequest(), now, status), plan.stale(),
                    out::write)) {
                ReferenceCountUtil.release(head);
                mode = Mode.REPLACED;
                meters.count(plan.site(), CacheMeters.Result.STALE);
                release();
                return;
            }
        }
        CacheStatus status = CacheStatus.forward(plan.fwd()).fwdStatus(code);
        if (plan.collapsedWaiter()) {
            status.collapsed();
        }
        Optional<String> refusal = refusal(head);
        if (refusal.isEmpty()) {
            StoredResponse stored = StoredResponse.of(plan.site(), plan.key(), code, head.status().reasonPhrase(),
                    head.headers(), VaryKey.of(head.headers(), plan.clientRequest().headers()), plan.requestTime(), now,
                    plan.rule(), new Body.Memory(Unpooled.EMPTY_BUFFER));
            store = plan.leading() != null ? plan.leading()
                    : new InFlight(plan.key(), 0, plan.cache().config().maxObject(), new Coalescer());
            store.streaming(stored, ResponseRules.contentLength(head.headers()));
            mode = Mode.STORE;
            status.stored();
        } else {
            status.detail(refusal.get());
            release();
        }
        if (!plan.collapsedWaiter() && !plan.background()) { // waiters were counted as coalesced already
            meters.count(plan.site(), plan.fwd().equals("request") ? CacheMeters.Result.BYPASS
                    : CacheMeters.Result.MISS);
        }
        status.addTo(head.headers());
        out.write(head);
    }

    /**
     * Whether this error is Gatehouse's own answer for an origin it could not reach (the proxy's 502, 503, 504 for a
     * refused, reset, closed or silent connection, or no healthy target): the proxy names the cause on the exchange.
     */
    private boolean unreachable(int code) {
        return (code == 502 || code == 503 || code == 504) && !plan.exchange().cause().isEmpty();
    }

    /** Why this response is not stored, or empty when it is. */
    private Optional<String> refusal(HttpResponse head) {
        if (!HttpMethod.GET.equals(plan.clientRequest().method())) {
            return Optional.of("method");
        }
        if (plan.request().noStore) {
            return Optional.of("request-no-store");
        }
        HttpHeaders h = head.headers();
        return ResponseRules.of(h).refusal(head.status().code(), h,
                plan.clientRequest().headers().contains(HttpHeaderNames.AUTHORIZATION), plan.rule(),
                plan.cache().config().maxObject());
    }

    @Override
    public void content(HttpContent content, ResponseOutput out) {
        if (mode == Mode.REPLACED) {
            content.release(); // the origin's 304 or error, answered from the cache instead
            return;
        }
        if (mode == Mode.STORE && !store.append(content.content())) {
            store.fail(); // over the maximum after all (no Content-Length): it streams through uncached
            mode = Mode.PASS;
        }
        boolean last = content instanceof LastHttpContent;
        out.write(content);
        if (last && mode == Mode.STORE) {
            mode = Mode.PASS;
            StoredResponse done = store.finish();
            try {
                plan.cache().store(done);
            } finally {
                done.body.release();
            }
        }
    }

    @Override
    public void abandoned() {
        if (mode == Mode.STORE) {
            store.fail();
            mode = Mode.PASS;
        }
        release();
    }

    /** Waiting requests go to the origin themselves: this answer is not shared. */
    private void release() {
        if (plan.leading() != null && store == null) {
            plan.leading().release();
        }
    }

    /** The keys of the URLs an unsafe request's response invalidates (RFC 9111 §4.4). */
    static List<String> invalidated(HttpMethod method, String key, HttpResponse head) {
        return Validation.invalidated(method, key, head.status().code(), head.headers());
    }
}
