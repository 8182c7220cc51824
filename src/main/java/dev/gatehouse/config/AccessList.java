package dev.gatehouse.config;

import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code allow: [CIDR...]} or {@code deny: [CIDR...]} at a site or route: address ranges (IPv4 and IPv6, a bare
 * address is one host) matched against the client's real address. A request from a {@code deny} range gets 403; with
 * {@code allow}, so does one from outside every {@code allow} range. {@code deny} is checked first.
 */
public record AccessList(List<Cidr> ranges) implements StageConfig {
    public AccessList {
        ranges = List.copyOf(ranges);
    }

    /** Whether the address lies in one of the ranges. */
    public boolean contains(java.net.InetAddress address) {
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).contains(address)) {
                return true;
            }
        }
        return false;
    }

    static Optional<AccessList> read(Node node, String path, StageKeys.Reading in) {
        if (node instanceof org.snakeyaml.engine.v2.nodes.SequenceNode seq && seq.getValue().isEmpty()) {
            in.problems().at(node, path, "no address ranges (expected: a list like [10.0.0.0/8, \"::1\"])");
            return Optional.empty();
        }
        List<Cidr> ranges = in.values().cidrs(node, path);
        return ranges.isEmpty() ? Optional.empty() : Optional.of(new AccessList(ranges));
    }
}
