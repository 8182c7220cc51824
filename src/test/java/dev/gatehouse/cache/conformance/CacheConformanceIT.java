package dev.gatehouse.cache.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.cache.conformance.CaseRunner.Outcome;
import dev.gatehouse.cache.conformance.CaseRunner.Result;
import dev.gatehouse.testing.TestGatehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache against RFC 9111 (and RFC 9110, 5861, 9213), case by case: each case replays a sequence of requests
 * through a real Gatehouse with {@code cache: true} (its defaults) in front of a scripted origin on loopback, and
 * checks what the client and the origin see. Cases run in parallel (each on its own URL), so the whole table takes
 * about as long as its slowest case.
 *
 * <p>Every case must pass, except the ones in {@link #DEVIATIONS}: behaviour Gatehouse chooses on purpose, which
 * must then show as chosen (a deviation that starts passing is a change of behaviour, and this list must follow).
 */
@Timeout(300)
class CacheConformanceIT {
    /** Case id: why Gatehouse does otherwise by default. */
    static final Map<String, String> DEVIATIONS = deviations();

    private static Map<String, String> deviations() {
        String cookies = "responses with Set-Cookie are not stored by default (set_cookie: bypass; strip and store "
                + "are opt-in)";
        String heuristic = "heuristic freshness is off unless configured (heuristic: 10%)";
        String invalid = "an invalid max-age makes the response stale (RFC 9111 §4.2.1)";
        String tag = "not an entity-tag (RFC 9110 §8.8.3): it matches nothing";
        Map<String, String> d = new LinkedHashMap<>();
        d.put("headers-store-Set-Cookie", cookies);
        d.put("other-set-cookie", cookies);
        d.put("304-etag-update-response-Set-Cookie", cookies + "; so the first response was never stored");
        d.put("headers-store-Transfer-Encoding", "the proxy refuses a transfer coding other than chunked from an "
                + "upstream (502): it could neither undo it nor pass it on");
        d.put("method-POST", "responses to POST are not stored (RFC 9111 §3 allows it, few caches do)");
        d.put("partial-store-partial-reuse-partial", "206 responses are relayed, not stored");
        for (int code : List.of(200, 203, 204, 404, 405, 410, 414, 501)) {
            d.put("heuristic-" + code + "-cached", heuristic);
        }
        d.put("heuristic-599-cached-public", heuristic);
        d.put("freshness-max-age-two-stale-fresh-sameline", "a repeated max-age: the first counts (RFC 9111 §4.2.1)");
        d.put("freshness-max-age-two-stale-fresh-sepline", "a repeated max-age: the first counts (RFC 9111 §4.2.1)");
        d.put("freshness-max-age-decimal-zero", invalid);
        d.put("freshness-max-age-decimal-five", invalid);
        d.put("freshness-max-age-a100", invalid);
        d.put("freshness-max-age-100a", invalid);
        d.put("cdn-max-age-case-insensitive", "an upper-case key is not a structured field (RFC 8941 §3.2): the "
                + "whole CDN-Cache-Control is ignored");
        d.put("stale-503", "an origin's 5xx is relayed unless stale-if-error allows a stale answer (default 0s)");
        d.put("conditional-etag-quoted-respond-unquoted", tag);
        d.put("conditional-etag-unquoted-respond-unquoted", tag);
        d.put("conditional-etag-unquoted-respond-quoted", tag);
        d.put("conditional-etag-weak-respond-lowercase", tag);
        d.put("conditional-etag-weak-respond-omit-slash", tag);
        d.put("conditional-etag-vary-headers-mismatch", "a request of another Vary selection is forwarded without "
                + "the stored variants' entity-tags");
        d.put("vary-normalise-lang-order", "Accept-Language order can decide the language: orders are not merged");
        return d;
    }

    private static final int PARALLEL = 32;

    @TempDir
    Path dir;

    static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.addAll(FreshnessCases.all());
        all.addAll(DirectiveCases.all());
        all.addAll(ValidationCases.all());
        all.addAll(StorageCases.all());
        all.addAll(TargetedCases.all());
        return all;
    }

    @Test
    @DisplayName("RFC 9111 conformance: every case passes but the deliberate deviations")
    void conformance() throws Exception {
        List<Case> cases = cases();
        String only = System.getProperty("conformance.only", "");
        if (!only.isEmpty()) { // a few cases (and what they build on), to look at one closely
            cases = withDependencies(cases, List.of(only.split(",")));
        }
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        try (ScriptedOrigin origin = new ScriptedOrigin();
             TestGatehouse gh = TestGatehouse.start("""
                     sites:
                       localhost: { cache: true, upstream: origin }
                     upstreams:
                       origin: { targets: [%s] }
                     """.formatted(origin.address()), dir)) {
            CaseRunner runner = new CaseRunner(origin, gh.port());
            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
            try {
                Map<String, Future<Outcome>> running = new LinkedHashMap<>();
                for (Case c : cases) {
                    assertThat(running.put(c.id(), pool.submit(() -> runner.run(c)))).as(c.id()).isNull();
                }
                for (Map.Entry<String, Future<Outcome>> e : running.entrySet()) {
                    outcomes.put(e.getKey(), e.getValue().get(120, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            // Lifetimes of two seconds are checked against pauses of three: on a loaded machine a case can miss by
            // timing alone. One that did not end as expected runs once more, on its own.
            for (Case c : cases) {
                if (DEVIATIONS.containsKey(c.id()) == (outcomes.get(c.id()).result() == Result.PASS)) {
                    outcomes.put(c.id(), runner.run(c));
                }
            }
        }
        Map<String, Outcome> resolved = resolveDependencies(cases, outcomes);
        System.out.println(report(cases, resolved));
        Map<String, String> unexpected = new LinkedHashMap<>();
        for (Case c : cases) {
            Outcome o = resolved.get(c.id());
            boolean deviation = DEVIATIONS.containsKey(c.id());
            if (deviation == (o.result() == Result.PASS)) {
                unexpected.put(c.id(), deviation ? "passes, but is listed as a deviation" : o.result() + " " + o.message());
            }
        }
        assertThat(unexpected).isEmpty();
    }

    private static List<Case> withDependencies(List<Case> all, List<String> ids) {
        Map<String, Case> byId = all.stream().collect(Collectors.toMap(Case::id, c -> c));
        java.util.Set<String> wanted = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(ids);
        while (!todo.isEmpty()) {
            String id = todo.poll();
            if (wanted.add(id)) {
                todo.addAll(byId.get(id).dependsOn());
            }
        }
        return all.stream().filter(c -> wanted.contains(c.id())).toList();
    }

    /** A case whose premise did not hold is a dependency failure, whatever it did itself. */
    private static Map<String, Outcome> resolveDependencies(List<Case> cases, Map<String, Outcome> outcomes) {
        Map<String, Case> byId = cases.stream().collect(Collectors.toMap(Case::id, c -> c));
        Map<String, Outcome> out = new LinkedHashMap<>();
        for (Case c : cases) {
            out.put(c.id(), resolve(c, byId, outcomes));
        }
        return out;
    }

    private static Outcome resolve(Case c, Map<String, Case> byId, Map<String, Outcome> outcomes) {
        for (String dep : c.dependsOn()) {
            Case d = byId.get(dep);
            assertThat(d).as("dependency " + dep + " of " + c.id()).isNotNull();
            if (resolve(d, byId, outcomes).result() != Result.PASS) {
                return new Outcome(Result.DEPENDENCY, dep);
            }
        }
        return outcomes.get(c.id());
    }

    private static String report(List<Case> cases, Map<String, Outcome> outcomes) {
        StringBuilder sb = new StringBuilder("cache conformance:\n");
        for (Case.Kind kind : Case.Kind.values()) {
            List<Case> ofKind = cases.stream().filter(c -> c.kind() == kind).toList();
            long passed = ofKind.stream().filter(c -> outcomes.get(c.id()).result() == Result.PASS).count();
            sb.append(String.format("  %-8s %3d/%3d passed%n", kind, passed, ofKind.size()));
        }
        for (Case c : cases) {
            Outcome o = outcomes.get(c.id());
            if (o.result() != Result.PASS) {
                String why = DEVIATIONS.getOrDefault(c.id(), "UNEXPECTED");
                sb.append(String.format("  %-8s %-10s %s: %s [%s]%n", c.kind(), o.result(), c.id(), o.message(), why));
            }
        }
        return sb.toString();
    }
}
