package dev.gatehouse.server;

import dev.gatehouse.config.Action;
import dev.gatehouse.config.Compress;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.files.StaticFiles;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;
import dev.gatehouse.proxy.ConnectionPool;
import dev.gatehouse.proxy.ProxyHandler;
import dev.gatehouse.routing.RedirectHandler;
import dev.gatehouse.routing.RequestPaths;
import dev.gatehouse.routing.RespondHandler;
import dev.gatehouse.upstream.Upstreams;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.util.List;

/** Builds the handler for each route's action, once per config. */
final class Handlers {
    private final GatehouseConfig config;
    private final ConnectionPool connections;
    private final Upstreams upstreams;

    Handlers(GatehouseConfig config, ConnectionPool connections, Upstreams upstreams) {
        this.config = config;
        this.connections = connections;
        this.upstreams = upstreams;
    }

    /**
     * @param precompressed for files: the codings whose precompressed siblings are served (the route's
     *                      {@code compress} algorithms; empty when it does not compress)
     */
    Handler create(Action action, List<Compress.Algorithm> precompressed) {
        if (action instanceof Action.Proxy proxy) {
            return new ProxyHandler(upstreams.pool(proxy.upstream()).orElseThrow(), connections, config.timeouts(), config.trustedProxies());
        }
        if (action instanceof Action.Redirect redirect) {
            return new RedirectHandler(redirect);
        }
        if (action instanceof Action.Respond respond) {
            return new RespondHandler(respond);
        }
        return files(new StaticFiles((Action.Files) action, precompressed));
    }

    private static Handler files(StaticFiles files) {
        return exchange -> {
            ChannelPipeline pipeline = exchange.ctx().pipeline();
            if (pipeline.get(ChunkedWriteHandler.class) == null) {
                // File bodies are written in chunks; added on a connection's first file so proxied traffic skips it.
                pipeline.addBefore(exchange.ctx().name(), "chunked-writer", new ChunkedWriteHandler());
            }
            StaticFiles.Served served = files.serve(exchange.ctx(), exchange.request(),
                    RequestPaths.rawPath(exchange.request().uri()), exchange.keepAlive());
            exchange.status(served.status());
            exchange.addBytesOut(served.bodyBytes());
            served.done().addListener(f -> exchange.finish());
            return RequestFlow.DISCARD_BODY;
        };
    }
}
