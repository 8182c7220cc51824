package dev.gatehouse.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/** The request and response shaping keys: what they read to, and every mistake reported where it was made. */
class ShapingConfigTest {
    private static final Path SOURCE = Path.of("/etc/gatehouse/gatehouse.yaml");

    @Test
    void headerRulesAreReadInTheOrderRemoveSetAdd() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  a.test:
                    response_headers:
                      add: { Link: ["</a.css>; rel=preload", "</b.js>; rel=preload"] }
                      set: { X-Frame-Options: DENY }
                      remove: Server
                      only: upstream
                    respond: 200
                """, SOURCE);
        HeaderRules rules = (HeaderRules) config.sites().get("a.test").stages().get("response_headers");

        assertThat(rules.rules()).extracting(HeaderRules.Rule::op, HeaderRules.Rule::name, r -> r.value().toString(),
                HeaderRules.Rule::upstreamOnly).containsExactly(
                tuple(HeaderRules.Op.REMOVE, "server", "", true),
                tuple(HeaderRules.Op.SET, "x-frame-options", "DENY", true),
                tuple(HeaderRules.Op.ADD, "link", "</a.css>; rel=preload", true),
                tuple(HeaderRules.Op.ADD, "link", "</b.js>; rel=preload", true));
    }

    @Test
    void anUnknownPlaceholderIsReportedAtItsColumn() {
        List<ConfigError> errors = errors("""
                sites:
                  a.test:
                    request_headers: { set: { X-Where: "{scheme}://{hots}/" } }
                    routes:
                      - response_headers:
                          set: { X-A: {header.} }
                        redirect: https://b.test{uri}{nope}
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                tuple(3, 52, "sites.\"a.test\".request_headers.set.X-Where: unknown placeholder \"{hots}\" "
                        + "(expected: {client_ip}, {host}, {scheme}, {path}, {query}, {uri}, {request_id}, {site}, "
                        + "{upstream_target}, {header.NAME}; {{ for a literal brace)"),
                tuple(6, 23, "sites.\"a.test\".routes[0].response_headers.set.X-A: expected a string, got a map"),
                tuple(7, 38, "sites.\"a.test\".routes[0].redirect: unknown placeholder \"{nope}\" (expected: "
                        + "{client_ip}, {host}, {scheme}, {path}, {query}, {uri}, {request_id}, {site}, "
                        + "{upstream_target}, {header.NAME}; {{ for a literal brace)"));
    }

    @Test
    void headerNamesMustBeTokensAndNotFraming() {
        List<ConfigError> errors = errors("""
                sites:
                  a.test:
                    request_headers:
                      set: { "X Bad": "1", Content-Length: "5" }
                      remove: [Connection]
                    response_headers: { add: { X-A: "line\\nbreak" }, only: downstream }
                    respond: 200
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column).containsExactly(
                tuple(4, 14), tuple(4, 28), tuple(5, 16), tuple(6, 37), tuple(6, 60));
        assertThat(errors.get(0).message()).contains("\"X Bad\" is not a valid header name");
        assertThat(errors.get(1).message()).contains("\"Content-Length\" is set by Gatehouse for each hop");
        assertThat(errors.get(2).message()).contains("\"Connection\" is set by Gatehouse");
        assertThat(errors.get(3).message()).contains("control character");
        assertThat(errors.get(4).message()).isEqualTo("sites.\"a.test\".response_headers.only: \"downstream\" is "
                + "not a kind of response (expected: upstream, for upstream responses only; leave it out for every "
                + "response)");
    }

    @Test
    void misplacedAndMisspeltKeys() {
        List<ConfigError> errors = errors("""
                sites:
                  a.test:
                    request_headers: { only: upstream, sett: { X-A: "1" } }
                    response_headers: {}
                    routes:
                      - request_headers: { add: { X-T: "{upstream_target}" } }
                        respond: 200
                """);

        assertThat(errors).extracting(ConfigError::line, ConfigError::column, ConfigError::message,
                ConfigError::hint).containsExactly(
                tuple(3, 24, "sites.\"a.test\".request_headers: unknown key \"only\"",
                        Optional.of("valid keys: set, add, remove")),
                tuple(3, 40, "sites.\"a.test\".request_headers: unknown key \"sett\"",
                        Optional.of("did you mean \"set\"?")),
                tuple(4, 23, "sites.\"a.test\".response_headers: no rules (expected: set, add or remove, like "
                        + "set: { X-Frame-Options: DENY })", Optional.empty()),
                tuple(6, 40, "sites.\"a.test\".routes[0].request_headers.add.X-T: {upstream_target} can only be "
                        + "used with set in request_headers (expected: set: { NAME: \"{upstream_target}\" }; a "
                        + "retry on another target replaces it)", Optional.empty()));
    }

    @Test
    void aLiteralBraceIsWrittenTwice() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                sites:
                  a.test:
                    response_headers: { set: { X-Json: "{{\\"host\\": \\"{host}\\"}" } }
                    respond: 200
                """, SOURCE);
        HeaderRules rules = (HeaderRules) config.sites().get("a.test").stages().get("response_headers");

        Template value = rules.rules().get(0).value();
        assertThat(value.parts()).containsExactly(new Template.Literal("{\"host\": \""),
                new Template.Placeholder(Template.Field.HOST, Optional.empty()), new Template.Literal("\"}"));
    }

    static List<ConfigError> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors();
    }
}
