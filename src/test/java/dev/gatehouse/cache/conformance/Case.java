package dev.gatehouse.cache.conformance;

import java.util.List;

/**
 * One conformance case: a sequence of requests through the cache with what each must show, how strongly HTTP asks
 * for the behaviour, and the cases it builds on (a case whose premise fails tells nothing).
 *
 * @param kind      REQUIRED: a MUST of RFC 9111 (or 9110, 5861, 9213) for a shared cache; OPTIMAL: what a good
 *                  cache does (SHOULD, MAY); CHECK: a question about behaviour the RFCs leave open
 * @param dependsOn ids of cases that must pass for this one to mean anything
 */
record Case(String id, Kind kind, List<String> dependsOn, List<Step> steps) {
    enum Kind { REQUIRED, OPTIMAL, CHECK }

    static Case required(String id, List<String> dependsOn, Step... steps) {
        return new Case(id, Kind.REQUIRED, dependsOn, List.of(steps));
    }

    static Case optimal(String id, List<String> dependsOn, Step... steps) {
        return new Case(id, Kind.OPTIMAL, dependsOn, List.of(steps));
    }

    static Case check(String id, List<String> dependsOn, Step... steps) {
        return new Case(id, Kind.CHECK, dependsOn, List.of(steps));
    }

    static List<String> after(String... ids) {
        return List.of(ids);
    }
}
