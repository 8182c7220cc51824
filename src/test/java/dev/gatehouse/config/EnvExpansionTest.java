package dev.gatehouse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@code ${VAR}} and {@code ${VAR:-default}} in config values, from the environment. */
class EnvExpansionTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");

    private static GatehouseConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(yaml, SOURCE, env::get);
    }

    private static List<ConfigError> errors(String yaml, Map<String, String> env) {
        return catchThrowableOfType(ConfigException.class, () -> parse(yaml, env)).errors();
    }

    private static String body(GatehouseConfig config, String site) {
        return ((Action.Respond) config.sites().get(site).routes().get(0).action()).body();
    }

    @Test
    void variablesExpandInValuesAndKeysBeforeTheyAreParsed() throws Exception {
        GatehouseConfig config = parse("""
                listen: { http: ${HTTP_PORT}, https: "${HTTPS_PORT:-8443}", address: ${BIND:-127.0.0.1} }
                timeouts: { connect: ${CONNECT_TIMEOUT}s }
                sites:
                  ${DOMAIN}:
                    upstream: app
                upstreams:
                  app: { targets: ["${APP_HOST}:${APP_PORT:-3000}"] }
                """, Map.of("HTTP_PORT", "8081", "CONNECT_TIMEOUT", "7", "DOMAIN", "app.example.com",
                "APP_HOST", "10.0.0.5", "BIND", ""));

        assertThat(config.listen().http()).isEqualTo(OptionalInt.of(8081));
        assertThat(config.listen().https()).isEqualTo(OptionalInt.of(8443));
        assertThat(config.listen().addresses()).as("an empty variable takes the default").containsExactly("127.0.0.1");
        assertThat(config.timeouts().connect()).hasSeconds(7);
        assertThat(config.sites()).containsOnlyKeys("app.example.com");
        assertThat(config.upstreams().get("app").targets()).containsExactly(new Target("10.0.0.5", 3000, 100));
    }

    @Test
    void otherDollarsStayAsWrittenAndDoubleDollarIsALiteral() throws Exception {
        GatehouseConfig config = parse("""
                sites:
                  a.test: { respond: { body: "$2y$10$abcdefghijklmnopqrstuv ${1} $1 $HOME $ {X} $${HOME} $$x" } }
                  b.test: { respond: { body: "${EMPTY}|${NOT_EMPTY:-fallback}|${WITH_DEFAULT:-a b:c}" } }
                """, Map.of("EMPTY", "", "NOT_EMPTY", "set", "HOME", "/root"));

        assertThat(body(config, "a.test")).isEqualTo("$2y$10$abcdefghijklmnopqrstuv ${1} $1 $HOME $ {X} ${HOME} $$x");
        assertThat(body(config, "b.test")).isEqualTo("|set|a b:c");
    }

    @Test
    void whatAVariableHoldsIsNeitherYamlNorExpandedAgain() throws Exception {
        GatehouseConfig config = parse("""
                sites:
                  a.test: { respond: { status: 200, body: ${BODY} } }
                """, Map.of("BODY", "{ status: 500 } ${OTHER} # not a comment", "OTHER", "no"));

        assertThat(body(config, "a.test")).isEqualTo("{ status: 500 } ${OTHER} # not a comment");
        assertThat(((Action.Respond) config.sites().get("a.test").routes().get(0).action()).status()).isEqualTo(200);
    }

    @Test
    void anUnsetVariableIsAnErrorAtItsOwnColumn() {
        List<ConfigError> errors = errors("""
                sites:
                  a.test:
                    upstream: app
                upstreams:
                  app: { targets: ["10.0.0.1:${APP_PORT}", "x-${MISSING}:80"] }
                  "${NO_NAME}": { targets: [10.0.0.2:80] }
                """, Map.of());

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(5, 30, "upstreams.app.targets[0]: environment variable APP_PORT is not set"),
                tuple(5, 47, "upstreams.app.targets[1]: environment variable MISSING is not set"),
                tuple(6, 4, "upstreams: environment variable NO_NAME is not set"));
        assertThat(errors.get(0).hint()).contains("set it, or give a default: ${APP_PORT:-default}");
        assertThat(errors.get(0).format()).startsWith("/etc/gatehouse/gatehouse.yaml:5:30: ");
    }

    @Test
    void aReferenceInAFoldedScalarIsFoundOnItsLine() {
        List<ConfigError> errors = errors("""
                sites:
                  a.test:
                    respond:
                      body: >
                        first line
                          and ${LATER} here
                """, Map.of());

        assertThat(errors).extracting(ConfigError::line, ConfigError::column).containsExactly(tuple(6, 15));
    }

    @Test
    void aMalformedReferenceIsAnErrorWithTheTwoForms() {
        List<ConfigError> errors = errors("""
                sites:
                  a.test: { respond: { body: "${PORT:8080} and ${OPEN" } }
                """, Map.of("PORT", "1"));

        assertThat(errors).extracting(ConfigError::column, ConfigError::message).containsExactly(
                tuple(31, "sites.\"a.test\".respond.body: \"${PORT:8080}\" is not a variable reference"),
                tuple(48, "sites.\"a.test\".respond.body: \"${OPEN\" is not a variable reference"));
        assertThat(errors.get(0).hint()).contains("${PORT} or ${PORT:-default}; $${ for a literal ${");
    }

    @Test
    void anExpandedValueThatIsWrongIsReportedAtTheValue() {
        List<ConfigError> errors = errors("""
                listen:
                  http: ${HTTP_PORT}
                sites: { a.test: { respond: { body: ok } } }
                """, Map.of("HTTP_PORT", "eighty"));

        assertThat(errors).extracting(ConfigError::line, ConfigError::column).containsExactly(tuple(2, 9));
        assertThat(errors.get(0).message()).contains("\"eighty\"");
    }

    @Test
    void anAliasIsExpandedOnce() throws Exception {
        GatehouseConfig config = parse("""
                sites:
                  a.test: { respond: &r { body: "${A}" } }
                  b.test: { respond: *r }
                """, Map.of("A", "$${x} ${A}"));

        assertThat(body(config, "a.test")).isEqualTo("$${x} ${A}");
        assertThat(body(config, "b.test")).isEqualTo("$${x} ${A}");
    }
}
