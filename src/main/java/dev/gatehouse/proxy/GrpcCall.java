package dev.gatehouse.proxy;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC side of one proxied request: whether it is a gRPC call, and its deadline. With {@code grpc-timeout}
 * the call's own deadline replaces the upstream header and idle timeouts (a server stream may rightly stay silent
 * for longer than those); without it the configured timeouts apply as to any request.
 */
final class GrpcCall {
    private static final GrpcCall NONE = new GrpcCall(false, Optional.empty());

    private final boolean grpc;
    private final Optional<Duration> deadline;
    private ScheduledFuture<?> timer;

    private GrpcCall(boolean grpc, Optional<Duration> deadline) {
        this.grpc = grpc;
        this.deadline = deadline;
    }

    static GrpcCall of(HttpHeaders headers) {
        if (!Grpc.isGrpc(headers)) {
            return NONE;
        }
        return new GrpcCall(true, Grpc.timeout(headers.get(Grpc.GRPC_TIMEOUT)));
    }

    boolean isGrpc() {
        return grpc;
    }

    boolean hasDeadline() {
        return deadline.isPresent();
    }

    /** Runs {@code onDeadline} when the call's grpc-timeout has passed (nothing without one). */
    void startDeadline(EventLoop loop, Runnable onDeadline) {
        // Milliseconds: the largest grpc-timeout (99999999H) overflows a long of nanoseconds, not of milliseconds.
        deadline.ifPresent(d -> timer = loop.schedule(onDeadline, Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS));
    }

    void cancelDeadline() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
