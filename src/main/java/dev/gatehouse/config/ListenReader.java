package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads {@code listen: { http, https, address, h2c }}. */
final class ListenReader {
    static final List<String> KEYS = List.of("http", "https", "address", "h2c", "proxy_protocol",
            "proxy_protocol_from");

    private final Values values;
    private final Problems problems;

    ListenReader(Values values) {
        this.values = values;
        this.problems = values.problems();
    }

    Listen read(YamlMap m) {
        List<String> addresses = m.get("address").map(n -> addresses(n, m.path("address"))).orElse(List.of());
        if (addresses.isEmpty()) {
            addresses = List.of(Listen.DEFAULT_ADDRESS);
        }
        OptionalInt http = port(m, "http", Listen.DEFAULT_HTTP);
        OptionalInt https = port(m, "https", Listen.DEFAULT_HTTPS);
        if (http.isPresent() && http.getAsInt() != 0 && http.equals(https)) {
            String key = m.has("https") ? "https" : "http";
            problems.at(m.get(key).orElseThrow(), m.path(key), "port " + http.getAsInt()
                    + " is used for both http and https (expected: two different ports)");
        }
        boolean h2c = m.get("h2c").flatMap(n -> values.bool(n, m.path("h2c"))).orElse(false);
        if (h2c && http.isEmpty()) {
            problems.at(m.get("h2c").orElseThrow(), m.path("h2c"),
                    "h2c needs the plain http listener (expected: an http port, or no h2c)");
        }
        boolean proxyProtocol = m.get("proxy_protocol").flatMap(n -> values.bool(n, m.path("proxy_protocol")))
                .orElse(false);
        List<Cidr> proxyFrom = m.get("proxy_protocol_from").map(n -> values.cidrs(n, m.path("proxy_protocol_from")))
                .orElse(List.of());
        if (!proxyFrom.isEmpty() && !proxyProtocol) {
            problems.at(m.get("proxy_protocol_from").orElseThrow(), m.path("proxy_protocol_from"),
                    "proxy_protocol_from without proxy_protocol: true (expected: both, or neither)");
        }
        return new Listen(addresses, http, https, h2c, proxyProtocol, proxyFrom);
    }

    /**
     * {@code address: 0.0.0.0} or a list; {@code [::1]} may keep its brackets. A wildcard and a specific address of the
     * same family would fight over the port, so that is an error here rather than a bind failure later.
     */
    private List<String> addresses(Node node, String path) {
        List<Node> items = Values.oneOrMany(node);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = node instanceof SequenceNode ? YamlNodes.item(path, i) : path;
            Optional<String> text = values.string(item, itemPath)
                    .map(a -> a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a);
            if (text.isEmpty()) {
                continue;
            }
            String a = text.get();
            Optional<String> problem = BindAddresses.problem(a);
            if (problem.isPresent()) {
                problems.at(item, itemPath, "\"" + a + "\" " + problem.get() + " (" + BindAddresses.EXPECTED + ")");
            } else if (out.contains(a)) {
                problems.at(item, itemPath, "\"" + a + "\" is listed twice");
            } else {
                overlap(a, out).ifPresent(other -> problems.at(item, itemPath, "\"" + a + "\" and \"" + other
                        + "\" overlap: a wildcard already listens on every address of its family (expected: one of them)"));
                out.add(a);
            }
        }
        if (node instanceof SequenceNode seq && seq.getValue().isEmpty()) {
            problems.at(node, path, "no address given (expected: like 0.0.0.0, or [\"0.0.0.0\", \"::\"])");
        }
        return out;
    }

    /** An address already listed that covers {@code a}'s family with a wildcard, or that {@code a}'s wildcard covers. */
    private static Optional<String> overlap(String a, List<String> listed) {
        for (String other : listed) {
            boolean sameFamily = isIpv6(a) == isIpv6(other) && isIpLiteral(a) && isIpLiteral(other);
            if (sameFamily && (isWildcard(a) || isWildcard(other))) {
                return Optional.of(other);
            }
        }
        return Optional.empty();
    }

    private static boolean isIpv6(String a) {
        return a.contains(":");
    }

    private static boolean isIpLiteral(String a) {
        return isIpv6(a) || a.matches("[0-9.]+");
    }

    private static boolean isWildcard(String a) {
        return isIpv6(a) ? a.replace("0", "").replace(":", "").isEmpty() : a.equals("0.0.0.0");
    }

    /**
     * A port, or {@code off}; YAML 1.2 reads {@code off} as a string, {@code false} is accepted too.
     * 0 asks the system for any free port (the bound port is logged): useful for tests and throwaway instances.
     */
    private OptionalInt port(YamlMap m, String key, int defaultPort) {
        Optional<Node> node = m.get(key);
        if (node.isEmpty()) {
            return OptionalInt.of(defaultPort);
        }
        Optional<String> text = values.string(node.get(), m.path(key));
        if (text.isEmpty() || text.get().equals("off") || text.get().equals("false")) {
            return OptionalInt.empty();
        }
        return values.integer(node.get(), m.path(key), 0, 65535, "or off to turn the listener off").map(OptionalInt::of)
                .orElse(OptionalInt.of(defaultPort));
    }
}
