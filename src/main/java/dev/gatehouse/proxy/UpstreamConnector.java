package dev.gatehouse.proxy;

import dev.gatehouse.config.Target;
import dev.gatehouse.config.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * Where one exchange's {@link ProxyFlow} gets the channel it talks on. For HTTP/1.1 that is a whole connection,
 * borrowed from the keep-alive pool and given back; for HTTP/2 it is a stream of a shared connection, opened for
 * the exchange and gone with it. Either way the channel's pipeline ends in {@code "http-codec"} (HttpObjects in
 * and out) and an {@link UpstreamHandler}, and reads are driven by the flow (auto-read off).
 */
interface UpstreamConnector {

    /** The connector for {@code upstream}'s {@code protocol:}. */
    static UpstreamConnector forUpstream(Upstream upstream, ConnectionPool connections) {
        return switch (upstream.protocol()) {
            case HTTP1 -> new Http1Connector(connections);
            case H2C -> connections.http2().connector(upstream.name(), null);
            case H2 -> connections.http2().connector(upstream.name(), upstream.tls());
        };
    }

    /** An idle kept-alive channel to {@code target} owned by the calling event loop, or null. */
    Channel pooled(Target target);

    /** A new channel to {@code target} on {@code loop}; the future completes on {@code loop}. */
    Future<Channel> open(EventLoop loop, Target target);

    /** The exchange is over: {@code reusable} when both its request and response ended cleanly. */
    void release(Target target, Channel ch, boolean reusable);

    /** Whether a 101 Switching Protocols can be relayed (HTTP/1.1 only: HTTP/2 has no Upgrade). */
    boolean relaysUpgrades();

    /** HTTP/1.1 over the keep-alive {@link ConnectionPool}. */
    final class Http1Connector implements UpstreamConnector {
        private final ConnectionPool connections;

        Http1Connector(ConnectionPool connections) {
            this.connections = connections;
        }

        @Override
        public Channel pooled(Target target) {
            return connections.poll(target);
        }

        @Override
        public Future<Channel> open(EventLoop loop, Target target) {
            var promise = loop.<Channel>newPromise();
            connections.connect(loop, target).addListener((io.netty.channel.ChannelFuture f) -> {
                if (f.isSuccess()) {
                    promise.setSuccess(f.channel());
                } else {
                    promise.setFailure(f.cause());
                }
            });
            return promise;
        }

        @Override
        public void release(Target target, Channel ch, boolean reusable) {
            if (reusable) {
                connections.release(target, ch);
            } else {
                ch.close();
            }
        }

        @Override
        public boolean relaysUpgrades() {
            return true;
        }
    }
}
