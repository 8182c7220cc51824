package dev.gatehouse.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a pool's {@code canary:}, the same fields as the admin API's {@code POST /upstreams/{pool}/canary}:
 * {@code { address, steps, interval, max_error_rate, max_p99, min_requests }}, only {@code address} required; or the
 * address alone ({@code canary: 127.0.0.1:8081}) for every default. Each bad value is reported at its own position.
 */
final class CanaryReader {
    private static final List<String> KEYS = List.of("address", "steps", "interval", "max_error_rate", "max_p99",
            "min_requests");
    static final int MAX_MIN_REQUESTS = 1_000_000;
    private static final String STEPS_EXPECTED = "expected: rising percentages in 1..100, like [10, 50, 100]";

    private final Values values;
    private final Problems problems;

    CanaryReader(Values values) {
        this.values = values;
        this.problems = values.problems();
    }

    /** The pool's canary, when {@code canary:} is given and valid; {@code targets} are the pool's own. */
    Optional<CanarySpec> read(YamlMap pool, List<Target> targets) {
        Optional<YamlMap.Entry> entry = pool.entry("canary");
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        String path = pool.path("canary");
        Node node = entry.get().value();
        if (node instanceof ScalarNode && !YamlNodes.isNull(node)) {
            return address(node, path, targets).map(t -> new CanarySpec(t, CanarySpec.DEFAULT_STEPS,
                    CanarySpec.DEFAULT_INTERVAL, CanarySpec.DEFAULT_MAX_ERROR_RATE, Optional.empty(),
                    CanarySpec.DEFAULT_MIN_REQUESTS));
        }
        Optional<YamlMap> fields = YamlMap.fields(node, path, KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        YamlMap m = fields.get();
        Optional<Target> target = m.get("address").flatMap(n -> address(n, m.path("address"), targets));
        if (!m.has("address") && !m.hadUnknownKeys()) {
            problems.at(YamlNodes.isNull(node) ? entry.get().keyNode() : node, path, "missing key \"address\" "
                    + "(expected: the new target's host:port, e.g. canary: { address: 127.0.0.1:8081 })");
        }
        Optional<List<Integer>> steps = m.get("steps").map(n -> steps(n, m.path("steps")))
                .orElse(Optional.of(CanarySpec.DEFAULT_STEPS));
        Optional<Duration> interval = m.get("interval").map(n -> values.positiveDuration(n, m.path("interval")))
                .orElse(Optional.of(CanarySpec.DEFAULT_INTERVAL));
        Optional<Double> rate = m.get("max_error_rate").map(n -> values.string(n, m.path("max_error_rate"))
                        .flatMap(text -> values.parsed(n, m.path("max_error_rate"), text, CanaryReader::rate)))
                .orElse(Optional.of(CanarySpec.DEFAULT_MAX_ERROR_RATE));
        Optional<Duration> maxP99 = m.get("max_p99").flatMap(n -> values.positiveDuration(n, m.path("max_p99")));
        boolean p99Ok = m.get("max_p99").isEmpty() || maxP99.isPresent();
        Optional<Integer> min = m.get("min_requests")
                .map(n -> values.integer(n, m.path("min_requests"), 1, MAX_MIN_REQUESTS))
                .orElse(Optional.of(CanarySpec.DEFAULT_MIN_REQUESTS));
        if (target.isEmpty() || steps.isEmpty() || interval.isEmpty() || rate.isEmpty() || !p99Ok || min.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CanarySpec(target.get(), steps.get(), interval.get(), rate.get(), maxP99, min.get()));
    }

    /** {@code "1%"}, {@code "0.5%"} or a fraction like {@code 0.01}; the message names no key (the path does). */
    private static double rate(String text) {
        try {
            return CanarySpec.parseRate(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an error rate (expected: a percentage in "
                    + "0%..100%, like 1% or 0.5%)");
        }
    }

    /** A host:port that is not one of the pool's targets: the canary is the new version, joining beside them. */
    private Optional<Target> address(Node node, String path, List<Target> targets) {
        return values.string(node, path).flatMap(text -> values.parsed(node, path, text, HostPort::parse))
                .map(hp -> new Target(hp.host(), hp.port(), Target.DEFAULT_WEIGHT))
                .filter(t -> {
                    if (targets.stream().noneMatch(o -> o.address().equals(t.address()))) {
                        return true;
                    }
                    problems.at(node, path, t.address() + " is one of the pool's targets already (expected: the "
                            + "address of the new version, not listed in targets:; once promoted, move it there and "
                            + "remove canary:)");
                    return false;
                });
    }

    private Optional<List<Integer>> steps(Node node, String path) {
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            problems.at(node, path, "expected a list of percentages, got " + YamlNodes.describe(node) + " ("
                    + STEPS_EXPECTED + ")");
            return Optional.empty();
        }
        List<Integer> out = new ArrayList<>();
        int previous = 0;
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String itemPath = YamlNodes.item(path, i);
            Optional<Integer> step = values.string(item, itemPath).flatMap(text -> {
                String digits = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
                if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 100) {
                    problems.at(item, itemPath, "\"" + text + "\" is not a step (" + STEPS_EXPECTED + ")");
                    return Optional.empty();
                }
                return Optional.of(Integer.parseInt(digits));
            });
            if (step.isEmpty()) {
                return Optional.empty();
            }
            if (step.get() <= previous) {
                problems.at(item, itemPath, step.get() + " after " + previous + " does not rise (" + STEPS_EXPECTED
                        + ")");
                return Optional.empty();
            }
            previous = step.get();
            out.add(step.get());
        }
        return Optional.of(out);
    }
}
