package dev.gatehouse.admin;

import dev.gatehouse.config.CanarySpec;
import dev.gatehouse.config.Durations;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.config.Target;
import dev.gatehouse.upstream.Canary;
import dev.gatehouse.upstream.UpstreamPool;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /upstreams/{pool}/canary}: {@code POST} starts a canary deploy ({@code {"address": "...", "steps": [10, 50,
 * 100], "interval": "1m", "max_error_rate": "1%", "max_p99": "500ms", "min_requests": 100}}, only the address
 * required; 409 while one runs, a finished one is replaced), {@code GET} shows it, {@code DELETE} rolls a running one
 * back ("cancelled") or forgets a finished one.
 */
final class CanaryEndpoint {
    static final String EXAMPLE = "{\"address\": \"127.0.0.1:8081\", \"steps\": [10, 50, 100], \"interval\": \"1m\", "
            + "\"max_error_rate\": \"1%\", \"max_p99\": \"500ms\", \"min_requests\": 100}";
    private static final Set<String> KEYS = Set.of("address", "steps", "interval", "max_error_rate", "max_p99",
            "min_requests");

    private CanaryEndpoint() {
    }

    static Reply handle(String method, String path, UpstreamPool pool, String body) {
        return switch (AdminRouter.allow(method, path, "GET", "POST", "DELETE")) {
            case "POST" -> start(pool, body);
            case "DELETE" -> Reply.json(200, json(pool.cancelCanary().orElseThrow(() -> none(pool))));
            default -> Reply.json(200, json(pool.canary().orElseThrow(() -> none(pool))));
        };
    }

    private static Problem.Failure none(UpstreamPool pool) {
        return Problem.notFound("pool \"" + pool.name() + "\" has no canary (start one with POST " + EXAMPLE + ")")
                .failure();
    }

    private static Reply start(UpstreamPool pool, String body) {
        CanarySpec spec = spec(body);
        try {
            return Reply.json(201, json(pool.startCanary(spec)));
        } catch (IllegalStateException e) {
            throw Problem.conflict(e.getMessage()).failure();
        }
    }

    static CanarySpec spec(String body) {
        Map<String, Object> f;
        try {
            f = AdminJson.parseObject(body, EXAMPLE);
        } catch (IllegalArgumentException e) {
            throw bad("the body is not valid JSON: " + e.getMessage());
        }
        for (String key : f.keySet()) {
            if (!KEYS.contains(key)) {
                throw bad("unknown field \"" + key + "\" (expected: " + EXAMPLE + ")");
            }
        }
        if (!(f.get("address") instanceof String address)) {
            throw bad(f.containsKey("address") ? "\"address\" must be a string like \"127.0.0.1:8081\""
                    : "\"address\" is missing (expected: " + EXAMPLE + ", only address required)");
        }
        try {
            HostPort hp = HostPort.parse(address);
            List<Integer> steps = f.containsKey("steps") ? steps(f.get("steps")) : CanarySpec.DEFAULT_STEPS;
            Duration interval = f.containsKey("interval") ? duration("interval", f.get("interval"))
                    : CanarySpec.DEFAULT_INTERVAL;
            double rate = f.containsKey("max_error_rate") ? rate(f.get("max_error_rate"))
                    : CanarySpec.DEFAULT_MAX_ERROR_RATE;
            Optional<Duration> p99 = f.get("max_p99") == null ? Optional.empty()
                    : Optional.of(duration("max_p99", f.get("max_p99")));
            int min = f.containsKey("min_requests") ? whole("min_requests", f.get("min_requests"))
                    : CanarySpec.DEFAULT_MIN_REQUESTS;
            return new CanarySpec(new Target(hp.host(), hp.port(), Target.DEFAULT_WEIGHT), steps, interval, rate, p99,
                    min);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private static List<Integer> steps(Object value) {
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("steps: expected a list of percentages like [10, 50, 100]");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : list) {
            out.add(whole("steps", o));
        }
        return out;
    }

    private static Duration duration(String key, Object value) {
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(key + ": expected a duration in quotes like \"1m\" or \"500ms\"");
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static double rate(Object value) {
        if (value instanceof BigDecimal n) {
            return CanarySpec.parseRate(n.toPlainString());
        }
        if (value instanceof String text) {
            return CanarySpec.parseRate(text);
        }
        throw new IllegalArgumentException("max_error_rate: expected a percentage like \"1%\"");
    }

    private static int whole(String key, Object value) {
        if (value instanceof BigDecimal n && n.stripTrailingZeros().scale() <= 0
                && n.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
            return n.intValue();
        }
        throw new IllegalArgumentException(key + ": " + value + " is not a whole number");
    }

    private static Problem.Failure bad(String detail) {
        return Problem.badRequest(detail).failure();
    }

    /** The canary as the API, the CLI and the dashboard read it. */
    static Map<String, Object> json(Canary c) {
        CanarySpec s = c.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", c.target().address());
        m.put("state", c.state().label());
        m.put("reason", c.reason().isEmpty() ? null : c.reason());
        m.put("step", c.step());
        m.put("percent", c.percent());
        m.put("steps", s.steps());
        m.put("interval", ConfigJson.duration(s.interval()));
        m.put("max_error_rate", percent(s.maxErrorRate()));
        m.put("max_p99", s.maxP99().map(ConfigJson::duration));
        m.put("min_requests", s.minRequests());
        m.put("started", c.started().toString());
        m.put("ended", c.ended().map(Object::toString));
        m.put("canary", window(c.canaryWindow()));
        m.put("rest", window(c.restWindow()));
        m.put("history", c.history().stream().map(CanaryEndpoint::step).toList());
        return m;
    }

    private static Map<String, Object> window(Canary.Window w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", w.requests());
        m.put("errors", w.errors());
        m.put("error_rate", w.requests() == 0 ? 0 : (double) w.errors() / w.requests());
        m.put("p99_ms", w.p99Nanos() / 1e6);
        return m;
    }

    private static Map<String, Object> step(Canary.Step st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("percent", st.percent());
        m.put("passed", st.passed());
        m.put("ended", st.ended().toString());
        m.put("canary", window(new Canary.Window(st.requests(), st.errors(), st.p99Nanos())));
        m.put("rest", window(new Canary.Window(st.restRequests(), st.restErrors(), st.restP99Nanos())));
        return m;
    }

    private static String percent(double rate) {
        return BigDecimal.valueOf(rate * 100).stripTrailingZeros().toPlainString() + "%";
    }
}
