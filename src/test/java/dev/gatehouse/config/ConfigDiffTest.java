package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reload has to do, computed from two configs. */
class ConfigDiffTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");

    private static final String BASE = """
            listen: { http: 8080, https: 8443, address: 127.0.0.1 }
            sites:
              a.example.com: { upstream: api }
              b.example.com: { respond: { status: 200, body: "b" } }
            upstreams:
              api:
                targets:
                  - { address: 127.0.0.1:9001, weight: 100 }
                  - { address: 127.0.0.1:9002, weight: 50 }
              old: { targets: [127.0.0.1:9100] }
            """;

    private static GatehouseConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, SOURCE);
    }

    private static ConfigDiff diff(String before, String after) throws ConfigException {
        return ConfigDiff.between(parse(before), parse(after));
    }

    @Test
    void theSameFileIsNoChange() throws Exception {
        ConfigDiff d = diff(BASE, BASE);

        assertThat(d.isEmpty()).isTrue();
        assertThat(d.changes()).isEmpty();
        assertThat(d.refused()).isEmpty();
        assertThat(d.httpListenerChanged()).isFalse();
        assertThat(d.httpsListenerChanged()).isFalse();
    }

    @Test
    void sitesAddedChangedAndRemoved() throws Exception {
        ConfigDiff d = diff(BASE, """
                listen: { http: 8080, https: 8443, address: 127.0.0.1 }
                sites:
                  a.example.com: { upstream: api }
                  b.example.com: { respond: { status: 200, body: "b2" } }
                  c.example.com: { respond: { status: 200, body: "c" } }
                upstreams:
                  api:
                    targets:
                      - { address: 127.0.0.1:9001, weight: 100 }
                      - { address: 127.0.0.1:9002, weight: 50 }
                """);

        assertThat(d.addedSites()).extracting(Site::host).containsExactly("c.example.com");
        assertThat(d.changedSites()).extracting(Site::host).containsExactly("b.example.com");
        assertThat(d.removedSites()).isEmpty();
        assertThat(d.removedPools()).containsExactly("old");
        assertThat(d.changes()).containsExactly("site \"b.example.com\" changed", "site \"c.example.com\" added",
                "upstream \"old\" removed (its targets drain)");
        assertThat(d.refused()).isEmpty();
    }

    @Test
    void aRemovedSiteIsListed() throws Exception {
        ConfigDiff d = diff(BASE, BASE.replace("  b.example.com: { respond: { status: 200, body: \"b\" } }\n", ""));

        assertThat(d.removedSites()).containsExactly("b.example.com");
        assertThat(d.changes()).containsExactly("site \"b.example.com\" removed");
    }

    @Test
    void targetsAddedReweightedAndRemovedByAddress() throws Exception {
        ConfigDiff d = diff(BASE, BASE.replace("""
                      - { address: 127.0.0.1:9001, weight: 100 }
                      - { address: 127.0.0.1:9002, weight: 50 }
                """, """
                      - { address: 127.0.0.1:9002, weight: 0 }
                      - { address: 127.0.0.1:9003, weight: 10, max_requests: 5 }
                """));

        assertThat(d.changedPools()).hasSize(1);
        ConfigDiff.PoolChange api = d.changedPools().get(0);
        assertThat(api.name()).isEqualTo("api");
        assertThat(api.addedTargets()).containsExactly(new Target("127.0.0.1", 9003, 10, 5));
        assertThat(api.retunedTargets()).containsExactly(new Target("127.0.0.1", 9002, 0, 0));
        assertThat(api.removedTargets()).containsExactly("127.0.0.1:9001");
        assertThat(api.settingsChanged()).isFalse();
        assertThat(api.healthChanged()).isFalse();
        assertThat(d.changes()).containsExactly(
                "upstream \"api\": target 127.0.0.1:9002 weight 50 -> 0",
                "upstream \"api\": target 127.0.0.1:9003 added",
                "upstream \"api\": target 127.0.0.1:9001 removed (draining)");
    }

    @Test
    void aCanaryAddedChangedReplacedAndRemovedIsNamedWithWhatHappens() throws Exception {
        String none = BASE;
        String added = BASE.replace("old: { targets: [127.0.0.1:9100] }",
                "old: { targets: [127.0.0.1:9100], canary: 127.0.0.1:9101 }");
        String changed = added.replace("canary: 127.0.0.1:9101", "canary: { address: 127.0.0.1:9101, steps: [5, 100] }");
        String replaced = added.replace("canary: 127.0.0.1:9101", "canary: { address: 127.0.0.1:9102, steps: [5, 100] }");

        assertThat(diff(none, added).changes()).containsExactly(
                "upstream \"old\": canary 127.0.0.1:9101 added (starts at 10%)");
        assertThat(diff(added, changed).changes()).containsExactly(
                "upstream \"old\": canary 127.0.0.1:9101 changed (starts at 5% with the new settings)");
        assertThat(diff(changed, replaced).changes()).containsExactly(
                "upstream \"old\": canary 127.0.0.1:9101 replaced by 127.0.0.1:9102 (starts at 5%)");
        ConfigDiff removed = diff(added, none);
        assertThat(removed.changes()).containsExactly(
                "upstream \"old\": canary 127.0.0.1:9101 removed (stopped: rolled back if running)");
        assertThat(removed.changedPools()).singleElement().satisfies(p -> {
            assertThat(p.canaryChanged()).isTrue();
            assertThat(p.settingsChanged()).isFalse();
            assertThat(p.after().canary()).isEmpty();
        });
        assertThat(diff(added, added).isEmpty()).isTrue();
        assertThat(diff(added, added.replace("body: \"b\"", "body: \"c\"")).changedPools())
                .as("another change leaves the canary alone").isEmpty();
    }

    @Test
    void poolSettingsAndHealthAreNamedByTheirKeys() throws Exception {
        String after = BASE.replace("  old: { targets: [127.0.0.1:9100] }\n", """
                  old:
                    targets: [127.0.0.1:9100]
                    policy: least_requests
                    health: { path: /health }
                    slow_start: 10s
                """);
        ConfigDiff d = diff(BASE, after);

        ConfigDiff.PoolChange old = d.changedPools().get(0);
        assertThat(old.settingsChanged()).isTrue();
        assertThat(old.healthChanged()).isTrue();
        assertThat(old.addedTargets()).isEmpty();
        assertThat(old.removedTargets()).isEmpty();
        assertThat(old.after().slowStart()).hasSeconds(10);
        assertThat(d.changes()).containsExactly("upstream \"old\": policy, health, slow_start changed");
    }

    @Test
    void aNewPoolIsAdded() throws Exception {
        ConfigDiff d = diff(BASE, BASE + "  new: { targets: [127.0.0.1:9200] }\n");

        assertThat(d.addedPools()).extracting(Upstream::name).containsExactly("new");
        assertThat(d.changes()).containsExactly("upstream \"new\" added");
    }

    @Test
    void movedListenersAreRebound() throws Exception {
        ConfigDiff port = diff(BASE, BASE.replace("http: 8080", "http: 8081"));
        assertThat(port.httpListenerChanged()).isTrue();
        assertThat(port.httpsListenerChanged()).isFalse();
        assertThat(port.changes()).containsExactly("listen.http: 8080 -> 8081");

        ConfigDiff address = diff(BASE, BASE.replace("address: 127.0.0.1", "address: 127.0.0.2"));
        assertThat(address.httpListenerChanged()).isTrue();
        assertThat(address.httpsListenerChanged()).isTrue();

        ConfigDiff off = diff(BASE, BASE.replace("http: 8080", "http: off"));
        assertThat(off.httpListenerChanged()).isTrue();
        assertThat(off.changes()).containsExactly("listen.http: 8080 -> off");
        assertThat(off.refused()).isEmpty();
    }

    @Test
    void whatCannotChangeLiveIsRefusedWithTheReason() throws Exception {
        ConfigDiff d = diff(BASE, BASE.replace("https: 8443", "https: off") + """
                storage: /var/lib/elsewhere
                admin: { listen: "127.0.0.1:2019" }
                email: ops@example.com
                """);

        assertThat(d.isEmpty()).isFalse();
        assertThat(d.refused()).hasSize(4);
        assertThat(d.refused().get(0)).startsWith("storage: changed from /etc/gatehouse/data to /var/lib/elsewhere")
                .contains("restart");
        assertThat(d.refused().get(1)).startsWith("acme:/email: changed");
        assertThat(d.refused().get(2)).startsWith("admin: changed from off to 127.0.0.1:2019");
        assertThat(d.refused().get(3)).startsWith("listen.https: turned off");
    }

    @Test
    void settingsForNewConnectionsAreListed() throws Exception {
        ConfigDiff d = diff(BASE, BASE + """
                timeouts: { connect: 2s }
                limits: { max_body: 1mb }
                trusted_proxies: [10.0.0.0/8]
                access_log: { format: json, file: /tmp/access.log }
                """);

        assertThat(d.changes()).containsExactly("timeouts changed (new connections and requests)",
                "limits changed (new connections and requests)", "trusted_proxies changed", "access_log changed");
        assertThat(d.upstreamTimeoutsChanged()).isTrue();
        assertThat(d.accessLogFileChanged()).isTrue();
        assertThat(d.refused()).isEmpty();
        assertThat(List.of(d.before(), d.after())).doesNotContainNull();
    }
}
