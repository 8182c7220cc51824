package dev.gatehouse.routing;

import dev.gatehouse.config.Cidr;
import dev.gatehouse.config.Route;
import dev.gatehouse.config.RouteMatch;
import dev.gatehouse.config.ValueMatch;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** A route ready to match: patterns compiled once per config, the handler built once. */
final class CompiledRoute<T> {
    private final Route route;
    private final Optional<PathPattern> path;
    private final Set<String> methods;
    private final List<ValueCondition> headers;
    private final List<ValueCondition> query;
    private final List<Cidr> sources;
    private final T handler;

    CompiledRoute(Route route, T handler) {
        RouteMatch m = route.match();
        this.route = route;
        this.path = m.path().map(PathPattern::parse);
        this.methods = m.methods();
        this.headers = m.headers().stream().map(ValueCondition::new).toList();
        this.query = m.query().stream().map(ValueCondition::new).toList();
        this.sources = m.sources();
        this.handler = handler;
    }

    Route route() {
        return route;
    }

    T handler() {
        return handler;
    }

    boolean hasPathCondition() {
        return path.isPresent();
    }

    /** @param normalizedPath the request path from {@link RequestPaths#normalize}; may be null without a path condition */
    boolean matches(HttpRequest request, String normalizedPath, InetAddress client) {
        if (path.isPresent() && !path.get().matches(normalizedPath)) {
            return false;
        }
        if (!methods.isEmpty() && !methods.contains(request.method().name())) {
            return false;
        }
        for (ValueCondition h : headers) {
            if (!h.test(request.headers().getAll(h.name))) {
                return false;
            }
        }
        if (!query.isEmpty()) {
            Map<String, List<String>> params = new QueryStringDecoder(request.uri()).parameters();
            for (ValueCondition q : query) {
                if (!q.test(params.getOrDefault(q.name, List.of()))) {
                    return false;
                }
            }
        }
        return sources.isEmpty() || sources.stream().anyMatch(c -> c.contains(client));
    }

    /** One header or query condition; holds when any of the values satisfies it. */
    private static final class ValueCondition {
        final String name;
        final Optional<String> value;
        final Pattern regex;

        ValueCondition(ValueMatch m) {
            this.name = m.name();
            this.value = m.value();
            this.regex = m.regex() ? Pattern.compile(m.value().orElseThrow()) : null;
        }

        boolean test(List<String> values) {
            if (value.isEmpty()) {
                return !values.isEmpty();
            }
            for (String v : values) {
                if (regex != null ? regex.matcher(v).matches() : v.equals(value.get())) {
                    return true;
                }
            }
            return false;
        }
    }
}
