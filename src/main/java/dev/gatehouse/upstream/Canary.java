package dev.gatehouse.upstream;

import dev.gatehouse.config.CanarySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One canary deploy in a pool: its target takes {@code steps[i]}% of the pool's requests; a step passes once its
 * interval is over and the canary answered {@code min_requests} in it within the thresholds and not clearly worse
 * than the rest of the pool; too many errors roll it back at once (weight 0, drained); passing the last step
 * promotes it (the other targets parked at weight 0).
 *
 * <p>"Clearly worse" has a margin so that noise does not roll a good canary back: an error rate more than half of
 * {@code max_error_rate} above the rest's, or a p99 more than twice the rest's plus 25 ms; it is judged only when both
 * the canary and the rest answered {@code min_requests} (and at least 100) in the step.
 */
public final class Canary {
    private static final Logger log = LoggerFactory.getLogger(Canary.class);
    private static final long P99_NOISE_NANOS = Duration.ofMillis(25).toNanos();
    /** Fewer answers than this make a p99 mostly the slowest one (a fresh connection): too noisy to compare. */
    private static final int MIN_TO_COMPARE = 100;

    /** Where a canary is. */
    public enum State {
        RUNNING("running"), PROMOTED("promoted"), ROLLED_BACK("rolled_back");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A finished step, for the API and the dashboard. */
    public record Step(int percent, long requests, long errors, long p99Nanos, long restRequests, long restErrors,
                       long restP99Nanos, Instant ended, boolean passed) {
    }

    /** How the live step stands. */
    public record Window(long requests, long errors, long p99Nanos) {
    }

    private final UpstreamPool pool;
    private final CanarySpec spec;
    private final TargetState target;
    private final LongSupplier nanos;
    private final Clock clock;
    private final Instant started;
    private final List<Step> history = new ArrayList<>();
    private volatile State state = State.RUNNING;
    private volatile String reason = "";
    private volatile Instant ended;
    private volatile int step;
    private volatile long stepStartNanos;
    private volatile LatencyWindow canaryWindow = new LatencyWindow();
    private volatile LatencyWindow restWindow = new LatencyWindow();

    Canary(UpstreamPool pool, CanarySpec spec, TargetState target, LongSupplier nanos, Clock clock) {
        this.pool = pool;
        this.spec = spec;
        this.target = target;
        this.nanos = nanos;
        this.clock = clock;
        this.started = clock.instant();
        this.stepStartNanos = nanos.getAsLong();
        log.info("upstream={} canary={} started: {}% of requests, steps {}, interval {}s, max_error_rate {}%{}, "
                        + "min_requests {}", pool.name(), target.address(), percent(), spec.steps(),
                spec.interval().toSeconds(), spec.maxErrorRate() * 100,
                spec.maxP99().map(d -> ", max_p99 " + d.toMillis() + "ms").orElse(""), spec.minRequests());
    }

    public CanarySpec spec() {
        return spec;
    }

    public TargetState target() {
        return target;
    }

    public State state() {
        return state;
    }

    /** Why it was rolled back ("" otherwise). */
    public String reason() {
        return reason;
    }

    public Instant started() {
        return started;
    }

    public Optional<Instant> ended() {
        return Optional.ofNullable(ended);
    }

    /** The index of the step running (or last run). */
    public int step() {
        return step;
    }

    /** The current step's share of requests in percent; 0 once rolled back. */
    public int percent() {
        return state == State.ROLLED_BACK ? 0 : spec.steps().get(step);
    }

    public synchronized List<Step> history() {
        return List.copyOf(history);
    }

    /** The live step: the canary's answers and the rest of the pool's. */
    public Window canaryWindow() {
        return window(canaryWindow);
    }

    public Window restWindow() {
        return window(restWindow);
    }

    private static Window window(LatencyWindow w) {
        return new Window(w.requests(), w.errors(), w.p99Nanos());
    }

    boolean running() {
        return state == State.RUNNING;
    }

    /** Whether this request goes to the canary: a draw against the step's share. */
    boolean takesNext() {
        return running() && ThreadLocalRandom.current().nextInt(100) < spec.steps().get(step);
    }

    /** An answer from a target of the pool; errors of the canary are judged at once. */
    void answered(TargetState t, int status, long latencyNanos) {
        if (!running()) {
            return;
        }
        boolean mine = t == target;
        (mine ? canaryWindow : restWindow).answered(status >= 500, latencyNanos);
        if (mine && status >= 500) {
            check();
        }
    }

    void failed(TargetState t) {
        if (!running()) {
            return;
        }
        boolean mine = t == target;
        (mine ? canaryWindow : restWindow).failed();
        if (mine) {
            check();
        }
    }

    /** Judges the step: rolls back, passes it, promotes, or waits. Called on errors and about once a second. */
    synchronized void check() {
        if (!running()) {
            return;
        }
        LatencyWindow mine = canaryWindow;
        LatencyWindow rest = restWindow;
        if (mine.requests() >= spec.minRequests() && mine.errorRate() > spec.maxErrorRate()) {
            rollBack(String.format("error rate %s over max_error_rate %s after %d requests at %d%%",
                    pct(mine.errorRate()), pct(spec.maxErrorRate()), mine.requests(), percent()));
            return;
        }
        if (nanos.getAsLong() - stepStartNanos < spec.interval().toNanos() || mine.requests() < spec.minRequests()) {
            return;
        }
        Optional<Duration> maxP99 = spec.maxP99();
        if (maxP99.isPresent() && mine.p99Nanos() > maxP99.get().toNanos()) {
            rollBack(String.format("p99 %s over max_p99 %s at %d%%", ms(mine.p99Nanos()),
                    ms(maxP99.get().toNanos()), percent()));
            return;
        }
        if (rest.requests() >= Math.max(spec.minRequests(), MIN_TO_COMPARE)
                && mine.requests() >= Math.max(spec.minRequests(), MIN_TO_COMPARE)) {
            if (mine.errorRate() > rest.errorRate() + spec.maxErrorRate() / 2) {
                rollBack(String.format("error rate %s worse than the rest of the pool's %s at %d%%",
                        pct(mine.errorRate()), pct(rest.errorRate()), percent()));
                return;
            }
            if (mine.p99Nanos() > 2 * rest.p99Nanos() + P99_NOISE_NANOS) {
                rollBack(String.format("p99 %s worse than the rest of the pool's %s at %d%%", ms(mine.p99Nanos()),
                        ms(rest.p99Nanos()), percent()));
                return;
            }
        }
        pass(mine, rest);
    }

    private void pass(LatencyWindow mine, LatencyWindow rest) {
        history.add(step(mine, rest, true));
        int passed = percent();
        if (step == spec.steps().size() - 1) {
            state = State.PROMOTED;
            ended = clock.instant();
            pool.promote(this);
            log.info("upstream={} canary={} promoted: step {}% passed ({} requests, error rate {}, p99 {}); the other "
                            + "targets are parked (weight 0)", pool.name(), target.address(), passed, mine.requests(),
                    pct(mine.errorRate()), ms(mine.p99Nanos()));
            return;
        }
        step++;
        canaryWindow = new LatencyWindow();
        restWindow = new LatencyWindow();
        stepStartNanos = nanos.getAsLong();
        log.info("upstream={} canary={} step {}% passed ({} requests, error rate {}, p99 {}): now {}%", pool.name(),
                target.address(), passed, mine.requests(), pct(mine.errorRate()), ms(mine.p99Nanos()), percent());
    }

    /** Ends a running canary: weight 0 and drained. */
    synchronized void rollBack(String why) {
        if (!running()) {
            return;
        }
        history.add(step(canaryWindow, restWindow, false));
        reason = why;
        state = State.ROLLED_BACK;
        ended = clock.instant();
        pool.rolledBack(this);
        log.warn("upstream={} canary={} rolled back: {}", pool.name(), target.address(), why);
    }

    private Step step(LatencyWindow mine, LatencyWindow rest, boolean passed) {
        return new Step(spec.steps().get(step), mine.requests(), mine.errors(), mine.p99Nanos(), rest.requests(),
                rest.errors(), rest.p99Nanos(), clock.instant(), passed);
    }

    private static String pct(double rate) {
        return String.format("%.2f%%", rate * 100);
    }

    private static String ms(long nanos) {
        return String.format("%.1fms", nanos / 1e6);
    }
}
