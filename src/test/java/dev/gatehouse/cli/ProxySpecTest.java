package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.HostPort;
import dev.gatehouse.config.SiteTls;
import dev.gatehouse.config.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What {@code gatehouse proxy}'s options become. */
class ProxySpecTest {

    @Test
    void fromTakesANameAPortAndAnHttpsUrl() {
        assertThat(ProxySpec.from("App.Example.com")).isEqualTo(new HostPort("app.example.com", 443));
        assertThat(ProxySpec.from("localhost:8443")).isEqualTo(new HostPort("localhost", 8443));
        assertThat(ProxySpec.from("https://app.example.com:9443/")).isEqualTo(new HostPort("app.example.com", 9443));
        assertThatThrownBy(() -> ProxySpec.from("app.example.com:http")).hasMessageContaining("\"http\" is not a port");
        assertThatThrownBy(() -> ProxySpec.from("bad_name!")).hasMessageContaining("is not a host name");
    }

    @Test
    void toTakesHostPortAnHttpUrlOrAPortAlone() {
        assertThat(ProxySpec.to("10.0.0.5:8080")).isEqualTo("10.0.0.5:8080");
        assertThat(ProxySpec.to("http://app:3000/")).isEqualTo("app:3000");
        assertThat(ProxySpec.to("3000")).isEqualTo("127.0.0.1:3000");
        assertThat(ProxySpec.to(":3000")).isEqualTo("127.0.0.1:3000");
        assertThat(ProxySpec.to("[::1]:3000")).isEqualTo("[::1]:3000");
        assertThatThrownBy(() -> ProxySpec.to("https://app:3000")).hasMessageContaining("needs a config file");
        assertThatThrownBy(() -> ProxySpec.to("app")).hasMessageContaining("is not host:port");
    }

    @Test
    void theGeneratedConfigLoadsWithEveryOption() throws Exception {
        ProxySpec spec = new ProxySpec("app.example.com", 443, OptionalInt.of(80),
                List.of("127.0.0.1:3000", "[::1]:3001"), List.of("0.0.0.0", "::"), Path.of("/srv/${not a var}/data"),
                Optional.of("ops@example.com"), true, Optional.of("127.0.0.1:2019"));

        GatehouseConfig config = ConfigLoader.parse(spec.yaml(), Path.of("(gatehouse proxy)"));

        assertThat(config.storage()).isEqualTo(Path.of("/srv/${not a var}/data"));
        assertThat(config.email()).contains("ops@example.com");
        assertThat(config.listen().addresses()).containsExactly("0.0.0.0", "::");
        assertThat(config.listen().http()).isEqualTo(OptionalInt.of(80));
        assertThat(config.sites()).containsOnlyKeys("app.example.com");
        assertThat(config.sites().get("app.example.com").tls()).isInstanceOf(SiteTls.Internal.class);
        assertThat(config.upstreams().get("proxy").targets())
                .containsExactly(new Target("127.0.0.1", 3000, 100), new Target("::1", 3001, 100));
        assertThat(config.admin()).isPresent();
        assertThat(spec.describe()).isEqualTo("https://app.example.com -> 127.0.0.1:3000, [::1]:3001");
    }

    @Test
    void localhostListensOnLoopbackOnlyAndOtherNamesEverywhere() {
        assertThat(ProxySpec.defaultAddresses("localhost")).startsWith("127.0.0.1").doesNotContain("0.0.0.0");
        assertThat(ProxySpec.defaultAddresses("app.localhost")).startsWith("127.0.0.1");
        assertThat(ProxySpec.defaultAddresses("app.example.com")).containsExactly("0.0.0.0");
    }
}
