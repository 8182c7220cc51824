package dev.gatehouse.config;

import java.util.Optional;
import java.util.OptionalLong;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code buffer_requests}, at a site or a route: read a request's whole body before any upstream connection is
 * used (as nginx does by default), so that slow uploads cost memory and disk here instead of upstream connections.
 * Written {@code true}, {@code false}, or the largest body to buffer ({@code buffer_requests: 16mb}); a larger body
 * gets 413. Off unless given; a route's setting replaces its site's.
 *
 * @param enabled whether bodies are buffered
 * @param max     the largest body buffered; empty: {@code limits.max_body}
 */
public record BufferRequests(boolean enabled, OptionalLong max) implements StageConfig {
    public static final BufferRequests OFF = new BufferRequests(false, OptionalLong.empty());
    static final String EXPECTED = "expected: true, false, or the largest body to buffer, like 16mb";

    /** The bound on a buffered body: {@link #max}, else {@code limits.max_body} (0 there means no bound). */
    public long bound(Limits limits) {
        return max.orElse(limits.maxBody() > 0 ? limits.maxBody() : Long.MAX_VALUE);
    }

    static Optional<BufferRequests> read(Node node, String path, StageKeys.Reading in) {
        Values values = in.values();
        Optional<String> text = values.string(node, path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().equals("true") || text.get().equals("false")) {
            return Optional.of(new BufferRequests(Boolean.parseBoolean(text.get()), OptionalLong.empty()));
        }
        try {
            long size = Sizes.parse(text.get());
            if (size <= 0) {
                values.problems().at(node, path, "0 bytes would refuse every body (" + EXPECTED + ")");
                return Optional.empty();
            }
            return Optional.of(new BufferRequests(true, OptionalLong.of(size)));
        } catch (IllegalArgumentException e) {
            values.problems().at(node, path, "\"" + text.get() + "\" is not true, false or a size (" + EXPECTED + ")");
            return Optional.empty();
        }
    }
}
