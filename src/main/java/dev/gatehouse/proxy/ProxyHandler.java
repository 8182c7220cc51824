package dev.gatehouse.proxy;

import dev.gatehouse.config.Cidr;
import dev.gatehouse.config.Timeouts;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.upstream.UpstreamPool;

import java.util.List;

/** The {@code upstream:} action: forwards each request to a target of one pool. Shared by all event loops. */
public final class ProxyHandler implements Handler {
    final UpstreamPool pool;
    final UpstreamConnector connector;
    final Timeouts timeouts;
    final ForwardedHeaders forwarded;

    public ProxyHandler(UpstreamPool pool, ConnectionPool connections, Timeouts timeouts,
                        List<Cidr> trustedProxies) {
        this.pool = pool;
        this.connector = UpstreamConnector.forUpstream(pool.config(), connections);
        this.timeouts = timeouts;
        this.forwarded = new ForwardedHeaders(trustedProxies);
    }

    @Override
    public RequestFlow begin(Exchange exchange) {
        ProxyFlow flow = new ProxyFlow(this, exchange);
        flow.start();
        return flow;
    }
}
