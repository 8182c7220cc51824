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
    /** {@link #firstFailing} codes; a header or query condition adds its index to its base. */
    private static final int ALL_HOLD = -1;
    private static final int PATH = 0;
    private static final int METHOD = 1;
    private static final int SOURCE = 2;
    private static final int HEADER = 1_000;
    private static final int QUERY = 2_000;

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
        return firstFailing(request, normalizedPath, client) == ALL_HOLD;
    }

    /**
     * Why the route does not match, in words naming the condition as the config writes it ({@code gatehouse
     * explain}); empty when it matches. The same checks as {@link #matches}, in the same order.
     */
    Optional<String> mismatch(HttpRequest request, String normalizedPath, InetAddress client) {
        int failing = firstFailing(request, normalizedPath, client);
        if (failing == ALL_HOLD) {
            return Optional.empty();
        }
        RouteMatch m = route.match();
        if (failing == PATH) {
            return Optional.of("path: " + normalizedPath + " is not " + m.path().orElseThrow());
        }
        if (failing == METHOD) {
            return Optional.of("methods: " + request.method().name() + " is not one of " + methods);
        }
        if (failing == SOURCE) {
            return Optional.of("source: client " + client.getHostAddress() + " is in none of "
                    + sources.stream().map(Cidr::toString).toList());
        }
        if (failing >= QUERY) {
            ValueCondition q = query.get(failing - QUERY);
            return Optional.of("query: " + q.describe("parameter", new QueryStringDecoder(request.uri()).parameters()
                    .getOrDefault(q.name, List.of())));
        }
        ValueCondition h = headers.get(failing - HEADER);
        return Optional.of("headers: " + h.describe("header", request.headers().getAll(h.name)));
    }

    private int firstFailing(HttpRequest request, String normalizedPath, InetAddress client) {
        if (path.isPresent() && !path.get().matches(normalizedPath)) {
            return PATH;
        }
        if (!methods.isEmpty() && !methods.contains(request.method().name())) {
            return METHOD;
        }
        for (int i = 0; i < headers.size(); i++) {
            ValueCondition h = headers.get(i);
            if (!h.test(request.headers().getAll(h.name))) {
                return HEADER + i;
            }
        }
        if (!query.isEmpty()) {
            Map<String, List<String>> params = new QueryStringDecoder(request.uri()).parameters();
            for (int i = 0; i < query.size(); i++) {
                ValueCondition q = query.get(i);
                if (!q.test(params.getOrDefault(q.name, List.of()))) {
                    return QUERY + i;
                }
            }
        }
        return sources.isEmpty() || sources.stream().anyMatch(c -> c.contains(client)) ? ALL_HOLD : SOURCE;
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

        /** Why {@code values} (which fail {@link #test}) do not satisfy this condition. */
        String describe(String noun, List<String> values) {
            if (values.isEmpty()) {
                return noun + " " + name + " is missing";
            }
            String expected = regex != null ? "does not match ~" + regex.pattern() : "is not \"" + value.orElseThrow() + "\"";
            return noun + " " + name + ": " + values.stream().map(v -> "\"" + v + "\"").toList() + " " + expected;
        }
    }
}
