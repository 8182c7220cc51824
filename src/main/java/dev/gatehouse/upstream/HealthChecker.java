package dev.gatehouse.upstream;

import dev.gatehouse.config.HealthCheck;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Active health checks of one pool: every {@code interval}, each current target (targets added at run time
 * included) gets one {@link HealthProbe}, unless its previous one is still running. Streaks move a target between
 * healthy and unhealthy; every change is logged with its reason. Runs on a small event loop group of its own,
 * never on the proxy's.
 */
final class HealthChecker {
    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final UpstreamPool pool;
    private final HealthCheck check;
    private final EventLoopGroup group;
    private final HealthProbe probe;
    private final Set<TargetState> running = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private ScheduledFuture<?> schedule;

    HealthChecker(UpstreamPool pool, HealthCheck check, EventLoopGroup group,
                  Class<? extends SocketChannel> channelType) {
        this.pool = pool;
        this.check = check;
        this.group = group;
        this.probe = new HealthProbe(check, group, channelType, pool.config().protocol(), pool.config().tls());
    }

    void start() {
        long interval = check.interval().toMillis();
        // The first round soon after start, so that a dead target is known within about interval × unhealthy.
        schedule = group.next().scheduleAtFixedRate(this::round, Math.min(100, interval), interval,
                TimeUnit.MILLISECONDS);
    }

    void close() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    private void round() {
        try {
            for (TargetState t : pool.targetArray()) {
                if (running.add(t)) {
                    probe.run(t).addListener(f -> {
                        running.remove(t);
                        record(t, (String) f.getNow());
                    });
                }
            }
        } catch (Throwable e) { // a periodic task that throws is never run again
            log.error("upstream={} health check round failed", pool.name(), e);
        }
    }

    /** Applies one result: {@code error} is null for a passed check. */
    void record(TargetState t, String error) {
        t.checked(System.currentTimeMillis(), error);
        Health before = t.health();
        if (error == null) {
            int pass = t.passStreak() + 1;
            t.streaks(pass, 0);
            // A target never checked is trusted on its first pass; an unhealthy one must pass `healthy` times.
            if (before == Health.UNKNOWN || before == Health.UNHEALTHY && pass >= check.healthy()) {
                change(t, before, Health.HEALTHY, pass + (pass == 1 ? " passed check" : " passed checks"));
            }
        } else {
            int fail = t.failStreak() + 1;
            t.streaks(0, fail);
            if (before != Health.UNHEALTHY && fail >= check.unhealthy()) {
                change(t, before, Health.UNHEALTHY,
                        fail + (fail == 1 ? " failed check" : " failed checks") + " (last: " + error + ")");
            }
        }
    }

    private void change(TargetState t, Health from, Health to, String why) {
        t.health(to);
        if (to == Health.HEALTHY && from == Health.UNHEALTHY) {
            pool.becameHealthy(t);
        }
        if (to == Health.UNHEALTHY) {
            log.warn("upstream={} target={} {} -> {}: {}", pool.name(), t.address(), from.label(), to.label(), why);
        } else {
            log.info("upstream={} target={} {} -> {}: {}", pool.name(), t.address(), from.label(), to.label(), why);
        }
    }
}
