package dev.gatehouse.admin;

import dev.gatehouse.config.HostPort;
import dev.gatehouse.config.Target;
import dev.gatehouse.upstream.PoolStatus;
import dev.gatehouse.upstream.UpstreamPool;
import dev.gatehouse.upstream.Upstreams;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pools and their targets at run time.
 * <ul>
 *   <li>{@code GET /upstreams}: the pool names</li>
 *   <li>{@code GET /upstreams/{pool}}: the pool's targets with health and counters</li>
 *   <li>{@code POST /upstreams/{pool}/targets} {@code {"address": "host:port", "weight": 100}}: registers a target</li>
 *   <li>{@code PUT /upstreams/{pool}/targets} (same body, weight required): re-weights one</li>
 *   <li>{@code DELETE /upstreams/{pool}/targets/{address}}: deregisters one; it drains</li>
 * </ul>
 * Registered targets live in memory only; the config file is the source of truth at start.
 */
final class UpstreamsEndpoint {
    private static final Set<String> BODY_KEYS = Set.of("address", "weight");
    private static final String BODY_EXPECTED = "expected: {\"address\": \"127.0.0.1:8080\", \"weight\": 100}, "
            + "weight optional (0.." + Target.MAX_WEIGHT + ", default " + Target.DEFAULT_WEIGHT + ")";

    private final RunningInstance instance;

    UpstreamsEndpoint(RunningInstance instance) {
        this.instance = instance;
    }

    /** {@code seg} starts with "upstreams". */
    Reply handle(String method, String path, List<String> seg, String body) {
        Upstreams upstreams = instance.upstreams();
        if (seg.size() == 3 && seg.get(2).equals("canary")) {
            return CanaryEndpoint.handle(method, path, pool(upstreams, seg.get(1)), body);
        }
        if (seg.size() > 4 || (seg.size() >= 3 && !seg.get(2).equals("targets"))) {
            throw AdminRouter.noSuchEndpoint(path);
        }
        if (seg.size() == 1) {
            AdminRouter.allow(method, path, "GET");
            return Reply.json(200, Map.of("pools", List.copyOf(upstreams.pools().keySet())));
        }
        UpstreamPool pool = pool(upstreams, seg.get(1));
        return switch (seg.size()) {
            case 2 -> {
                AdminRouter.allow(method, path, "GET");
                yield Reply.json(200, pool(pool.status()));
            }
            case 3 -> switch (AdminRouter.allow(method, path, "POST", "PUT")) {
                case "POST" -> register(pool, body);
                default -> reweight(pool, body);
            };
            default -> {
                AdminRouter.allow(method, path, "DELETE");
                yield deregister(pool, seg.get(3));
            }
        };
    }

    private static UpstreamPool pool(Upstreams upstreams, String name) {
        return upstreams.pool(name).orElseThrow(() -> Problem.notFound("no upstream pool named \"" + name
                + "\" (pools: " + (upstreams.pools().isEmpty() ? "none" : String.join(", ", upstreams.pools().keySet()))
                + ")").failure());
    }

    private Reply register(UpstreamPool pool, String body) {
        Map<String, Object> fields = body(body);
        Target target = target(fields, Target.DEFAULT_WEIGHT);
        if (find(pool, target.address()).isPresent()) {
            throw Problem.conflict("target " + target.address() + " is already in pool \"" + pool.name()
                    + "\" (use PUT to re-weight it)").failure();
        }
        pool.add(target);
        return Reply.json(201, targetOf(pool, target.address()));
    }

    private Reply reweight(UpstreamPool pool, String body) {
        Map<String, Object> fields = body(body);
        if (!fields.containsKey("weight")) {
            throw Problem.badRequest("\"weight\" is missing (" + BODY_EXPECTED + ")").failure();
        }
        Target target = target(fields, Target.DEFAULT_WEIGHT);
        if (!pool.reweight(target.address(), target.weight())) {
            throw unknownTarget(pool, target.address());
        }
        return Reply.json(200, targetOf(pool, target.address()));
    }

    private Reply deregister(UpstreamPool pool, String addressText) {
        String address = address(addressText);
        Optional<PoolStatus.TargetStatus> before = find(pool, address);
        if (before.isEmpty() || pool.remove(address).isEmpty()) {
            throw unknownTarget(pool, address);
        }
        Map<String, Object> out = target(before.get());
        out.put("draining", true);
        return Reply.json(200, out);
    }

    private static Problem.Failure unknownTarget(UpstreamPool pool, String address) {
        List<String> known = new ArrayList<>();
        pool.targets().forEach(t -> known.add(t.address()));
        return Problem.notFound("pool \"" + pool.name() + "\" has no target " + address + " (targets: "
                + (known.isEmpty() ? "none" : String.join(", ", known)) + ")").failure();
    }

    private static Map<String, Object> body(String body) {
        Map<String, Object> fields;
        try {
            fields = AdminJson.parseObject(body, "{\"address\": \"127.0.0.1:8080\", \"weight\": 100}");
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("the body is not valid JSON: " + e.getMessage() + " (" + BODY_EXPECTED + ")")
                    .failure();
        }
        for (String key : fields.keySet()) {
            if (!BODY_KEYS.contains(key)) {
                throw Problem.badRequest("unknown field \"" + key + "\" (" + BODY_EXPECTED + ")").failure();
            }
        }
        return fields;
    }

    private static Target target(Map<String, Object> fields, int defaultWeight) {
        if (!(fields.get("address") instanceof String text)) {
            throw Problem.badRequest((fields.containsKey("address") ? "\"address\" must be a string"
                    : "\"address\" is missing") + " (" + BODY_EXPECTED + ")").failure();
        }
        HostPort hp = hostPort(text);
        int weight = defaultWeight;
        if (fields.containsKey("weight")) {
            Object w = fields.get("weight");
            if (!(w instanceof BigDecimal n) || n.stripTrailingZeros().scale() > 0
                    || n.compareTo(BigDecimal.ZERO) < 0 || n.compareTo(BigDecimal.valueOf(Target.MAX_WEIGHT)) > 0) {
                throw Problem.badRequest("\"weight\": " + AdminJson.write(w) + " is not a whole number in 0.."
                        + Target.MAX_WEIGHT + " (0 parks the target: no new requests, in-flight ones finish)")
                        .failure();
            }
            weight = n.intValueExact();
        }
        return new Target(hp.host(), hp.port(), weight);
    }

    private static String address(String text) {
        HostPort hp = hostPort(text);
        return new Target(hp.host(), hp.port(), 0).address();
    }

    private static HostPort hostPort(String text) {
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("bad address: " + e.getMessage()).failure();
        }
    }

    private static Optional<PoolStatus.TargetStatus> find(UpstreamPool pool, String address) {
        return pool.status().targets().stream().filter(t -> !t.draining() && t.address().equals(address)).findFirst();
    }

    private static Map<String, Object> targetOf(UpstreamPool pool, String address) {
        return target(find(pool, address).orElseThrow());
    }

    static Map<String, Object> pool(PoolStatus p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("policy", p.policy());
        m.put("queued", p.queued());
        m.put("targets", p.targets().stream().map(UpstreamsEndpoint::target).toList());
        return m;
    }

    private static Map<String, Object> target(PoolStatus.TargetStatus t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", t.address());
        m.put("weight", t.weight());
        m.put("effective_weight", t.effectiveWeight());
        m.put("health", t.health());
        m.put("last_check", t.lastCheck().map(Object::toString));
        m.put("last_error", t.lastError());
        m.put("pass_streak", t.passStreak());
        m.put("fail_streak", t.failStreak());
        m.put("in_flight", t.inFlight());
        m.put("requests", t.requests());
        m.put("failures", t.failures());
        m.put("ejected", t.ejected());
        m.put("draining", t.draining());
        return m;
    }
}
