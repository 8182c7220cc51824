package dev.gatehouse.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code rate_limit:} at a site or route: one limit, or a list of limits that all apply (per client and per site,
 * say). nginx {@code limit_req} semantics (GCRA).
 *
 * @param limits in the order written; a request passes only when every one admits it
 */
public record RateLimits(List<Limit> limits) implements StageConfig {
    static final List<String> KEYS = List.of("rate", "burst", "key", "delay", "zone");
    private static final Pattern RATE = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d*)\\s*(ms|s|m|h|d)");

    public RateLimits {
        limits = List.copyOf(limits);
    }

    /** Whose bucket a request takes from. */
    public sealed interface Key permits ClientIp, Header, Whole {
    }

    /** {@code key: client_ip} (default): the client's real address. */
    public record ClientIp() implements Key {
        @Override
        public String toString() {
            return "client_ip";
        }
    }

    /** {@code key: header NAME}: the header's value; requests without it are not limited by this limit. */
    public record Header(String name) implements Key {
        @Override
        public String toString() {
            return "header " + name;
        }
    }

    /** {@code key: site}: one bucket for everyone. */
    public record Whole() implements Key {
        @Override
        public String toString() {
            return "site";
        }
    }

    /**
     * One limit: {@code rate: 10/s, burst: 20, key: client_ip, delay: 0}.
     *
     * @param count  requests per {@code period} ({@code 10/s}, {@code 100/m}, {@code 1000/h}, {@code 5/10s})
     * @param burst  requests beyond the rate admitted at once (default 0)
     * @param key    whose bucket (default {@link ClientIp})
     * @param delay  how many of the {@code burst} are served at the rate instead of at once (default 0: none, as with
     *               nginx's {@code nodelay}; {@code delay: burst} is nginx without {@code nodelay})
     * @param zone   a name shared with other limits that then share their buckets (same rate, burst and key); by
     *               default every limit written has buckets of its own
     * @param id     where the limit is written ({@code sites.a.com.routes[1].rate_limit}): the name of its buckets
     *               without a zone, the same across reloads while the limit stays where it is
     */
    public record Limit(long count, Duration period, long burst, Key key, long delay, Optional<String> zone,
                        String id) {
        /** The name its buckets go by: the zone, or where it is written. */
        public String bucketsName() {
            return zone.map(z -> "zone:" + z).orElse(id);
        }

        /** The rate as written back: {@code 10/s}. */
        public String rate() {
            long ms = period.toMillis();
            String unit = ms % 86_400_000 == 0 ? (ms / 86_400_000 == 1 ? "d" : ms / 86_400_000 + "d")
                    : ms % 3_600_000 == 0 ? (ms / 3_600_000 == 1 ? "h" : ms / 3_600_000 + "h")
                    : ms % 60_000 == 0 ? (ms / 60_000 == 1 ? "m" : ms / 60_000 + "m")
                    : ms % 1000 == 0 ? (ms / 1000 == 1 ? "s" : ms / 1000 + "s") : ms + "ms";
            return count + "/" + unit;
        }
    }

    static Optional<RateLimits> read(Node node, String path, StageKeys.Reading in) {
        List<Limit> out = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            if (seq.getValue().isEmpty()) {
                in.problems().at(node, path, "an empty list (expected: one or more limits, like - { rate: 10/s })");
            }
            for (int i = 0; i < seq.getValue().size(); i++) {
                limit(seq.getValue().get(i), YamlNodes.item(path, i), in).ifPresent(out::add);
            }
        } else {
            limit(node, path, in).ifPresent(out::add);
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(new RateLimits(out));
    }

    private static Optional<Limit> limit(Node node, String path, StageKeys.Reading in) {
        if (!(node instanceof MappingNode)) {
            in.problems().at(node, path, "expected a limit like { rate: 10/s, burst: 20 }, got "
                    + YamlNodes.describe(node));
            return Optional.empty();
        }
        return YamlMap.fields(node, path, KEYS, in.problems()).flatMap(m -> {
            if (!m.has("rate")) {
                in.problems().at(node, path, "no rate (expected: like rate: 10/s)");
                return Optional.empty();
            }
            Node rateNode = m.get("rate").orElseThrow();
            Optional<String> rateText = in.values().string(rateNode, m.path("rate"));
            Matcher r = rateText.map(t -> RATE.matcher(t.trim().toLowerCase(Locale.ROOT))).orElse(null);
            if (r == null || !r.matches() || Long.parseLong(r.group(1)) == 0) {
                rateText.ifPresent(t -> in.problems().at(rateNode, m.path("rate"), "\"" + t + "\" is not a rate "
                        + "(expected: requests per time, like 10/s, 100/m, 1000/h or 5/10s; at least 1)"));
                return Optional.empty();
            }
            long count = Long.parseLong(r.group(1));
            long multiple = r.group(2).isEmpty() ? 1 : Long.parseLong(r.group(2));
            Duration unit = switch (r.group(3)) {
                case "ms" -> Duration.ofMillis(1);
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> Duration.ofDays(1);
            };
            Duration period = unit.multipliedBy(Math.max(1, multiple));
            if (period.toNanos() / count < 1000) {
                in.problems().at(rateNode, m.path("rate"), "\"" + rateText.get() + "\" is more than a million requests "
                        + "a second (expected: a rate a client could be held to)");
                return Optional.empty();
            }
            long burst = m.get("burst").flatMap(n -> in.values().integer(n, m.path("burst"), 0, 1_000_000))
                    .orElse(0);
            long delay = m.get("delay").flatMap(n -> in.values().integer(n, m.path("delay"), 0, 1_000_000))
                    .orElse(0);
            if (delay > burst) {
                in.problems().at(m.get("delay").orElseThrow(), m.path("delay"), "delay " + delay + " is more than "
                        + "the burst " + burst + " (expected: 0 to " + burst + ": how many of the burst wait)");
                return Optional.empty();
            }
            Optional<Key> key = m.get("key").isEmpty() ? Optional.of(new ClientIp())
                    : key(m.get("key").orElseThrow(), m.path("key"), in);
            Optional<String> zone = in.values().string(m, "zone");
            return key.map(k -> new Limit(count, period, burst, k, delay, zone, path));
        });
    }

    private static Optional<Key> key(Node node, String path, StageKeys.Reading in) {
        return in.values().string(node, path).flatMap(text -> {
            String t = text.trim();
            if (t.equals("client_ip")) {
                return Optional.of(new ClientIp());
            }
            if (t.equals("site")) {
                return Optional.of(new Whole());
            }
            if (t.startsWith("header ") && t.substring(7).trim().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                return Optional.of(new Header(t.substring(7).trim().toLowerCase(Locale.ROOT)));
            }
            in.problems().at(node, path, "unknown key \"" + text + "\" (expected: client_ip, site, or header NAME)");
            return Optional.empty();
        });
    }
}
