package dev.gatehouse.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Conditions of a route; all given ones must hold.
 *
 * @param path    path pattern: {@code /api/} style prefix when it ends in {@code /*} or {@code /}, a glob with
 *                {@code *} (one segment) and {@code **} (any depth), else exact
 * @param methods request methods, upper case (empty: any)
 * @param headers header conditions (name compared case-insensitively)
 * @param query   query parameter conditions
 * @param sources client address ranges (empty: any)
 */
public record RouteMatch(Optional<String> path, Set<String> methods, List<ValueMatch> headers,
                         List<ValueMatch> query, List<Cidr> sources) {
    public static final RouteMatch ANY = new RouteMatch(Optional.empty(), Set.of(), List.of(), List.of(), List.of());

    public RouteMatch {
        methods = Set.copyOf(methods);
        headers = List.copyOf(headers);
        query = List.copyOf(query);
        sources = List.copyOf(sources);
    }
}
