package dev.gatehouse.config;

import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code conn_limit: { per_client: 20 }} at a site or route, like nginx's {@code limit_conn}: at most that many
 * requests in flight at once per client address (an HTTP/2 stream is a request, so a client cannot multiplex past
 * it). One more gets 429. A WebSocket counts until it closes.
 *
 * @param id where it is written: its counters' name, the same across reloads
 */
public record ConnLimit(int perClient, String id) implements StageConfig {
    private static final List<String> KEYS = List.of("per_client");

    static Optional<ConnLimit> read(Node node, String path, StageKeys.Reading in) {
        return YamlMap.fields(node, path, KEYS, in.problems()).flatMap(m -> {
            if (!m.has("per_client")) {
                in.problems().at(node, path, "no per_client (expected: like conn_limit: { per_client: 20 })");
                return Optional.empty();
            }
            return in.values().integer(m.get("per_client").orElseThrow(), m.path("per_client"), 1, 1_000_000)
                    .map(n -> new ConnLimit(n, path));
        });
    }
}
