package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code listen.address}: one address or a list. */
class ListenConfigTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");
    private static final String SITES = "sites: { a.test: { respond: { body: ok } } }\n";

    private static Listen listen(String listen) throws ConfigException {
        return ConfigLoader.parse("listen: " + listen + "\n" + SITES, SOURCE).listen();
    }

    private static List<ConfigError> errors(String listen) {
        return catchThrowableOfType(ConfigException.class, () -> listen(listen)).errors();
    }

    @Test
    void oneAddressOrAListEachWithEveryListener() throws Exception {
        assertThat(listen("{ http: 8080 }").addresses()).containsExactly("0.0.0.0");
        assertThat(listen("{ address: \"::\" }").addresses()).containsExactly("::");
        assertThat(listen("{ address: [\"0.0.0.0\", \"::\"], http: 8080, https: 8443, h2c: true }")).isEqualTo(
                new Listen(List.of("0.0.0.0", "::"), OptionalInt.of(8080), OptionalInt.of(8443), true));
        assertThat(listen("{ address: [127.0.0.1, \"[::1]\", localhost] }").addresses())
                .as("brackets around IPv6 are dropped").containsExactly("127.0.0.1", "::1", "localhost");
        assertThat(listen("{ address: [10.0.0.1, 10.0.0.2, \"::\"] }").addresses())
                .as("specific IPv4 addresses beside the IPv6 wildcard").containsExactly("10.0.0.1", "10.0.0.2", "::");
    }

    @Test
    void badListsAreReportedPerItem() {
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                listen:
                  address:
                    - 127.0.0.1
                    - 127.0.0.1
                    - "0.0.0.0"
                    - "::1"
                    - "0:0::0"
                    - "a b"
                """ + SITES, SOURCE)).errors())
                .extracting(ConfigError::line, ConfigError::message).containsExactly(
                        tuple(4, "listen.address[1]: \"127.0.0.1\" is listed twice"),
                        tuple(5, "listen.address[2]: \"0.0.0.0\" and \"127.0.0.1\" overlap: a wildcard already listens "
                                + "on every address of its family (expected: one of them)"),
                        tuple(7, "listen.address[4]: \"0:0::0\" and \"::1\" overlap: a wildcard already listens on "
                                + "every address of its family (expected: one of them)"),
                        tuple(8, "listen.address[5]: \"a b\" is not an IP address or host name (expected: like 0.0.0.0, "
                                + ":: or 127.0.0.1)"));
        assertThat(errors("{ address: [] }")).extracting(ConfigError::message)
                .containsExactly("listen.address: no address given (expected: like 0.0.0.0, or [\"0.0.0.0\", \"::\"])");
    }

    @Test
    void aReloadSeesAChangedList() throws Exception {
        GatehouseConfig before = ConfigLoader.parse("listen: { address: [127.0.0.1, \"::1\"] }\n" + SITES, SOURCE);
        GatehouseConfig after = ConfigLoader.parse("listen: { address: \"::1\" }\n" + SITES, SOURCE);

        ConfigDiff diff = ConfigDiff.between(before, after);

        assertThat(diff.changes()).contains("listen.address: [127.0.0.1, ::1] -> ::1");
        assertThat(diff.httpListenerChanged()).isTrue();
        assertThat(diff.httpsListenerChanged()).isTrue();
    }
}
