package dev.gatehouse.stages;

import dev.gatehouse.config.BufferRequests;
import dev.gatehouse.config.Sizes;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;

import java.util.Optional;

/**
 * {@code buffer_requests}: reads the whole request body before the rest of the chain runs, so a slow upload holds
 * memory and a temp file here rather than an upstream connection ({@link BufferedBody}). A body over the bound gets
 * 413. Routes that do not turn it on get no stage at all.
 */
final class BufferRequestsStage implements Stage {
    private final long max;
    private final BodyBuffers buffers;

    private BufferRequestsStage(long max, BodyBuffers buffers) {
        this.max = max;
        this.buffers = buffers;
    }

    static Optional<Stage> create(BufferRequests config, boolean secure, StageServices services) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        return Optional.of(new BufferRequestsStage(config.bound(services.limits()), services.bodies()));
    }

    @Override
    public Foresight foresee(Preview request) {
        return Foresight.passes("reads the whole request body before passing it on" + (max == Long.MAX_VALUE
                ? "" : " (at most " + Sizes.format(max) + ", else 413)"));
    }

    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        return BufferedBody.begin(exchange, next, max, buffers);
    }
}
