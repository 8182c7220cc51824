package dev.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/** {@code admin: { listen, token | token_env | token_file }}. */
class AdminConfigTest {
    private static final String TOKEN = "0123456789abcdef0123";
    private static final String SITES = "sites:\n  example.com: { respond: 204 }\n";

    @TempDir
    Path dir;

    private Path source() {
        return dir.resolve("gatehouse.yaml");
    }

    private GatehouseConfig parse(String admin, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(admin + "\n" + SITES, source(), env::get);
    }

    private List<ConfigError> errors(String admin, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(admin, env));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors();
    }

    @Test
    void anyAddressWithATokenFromTheConfigTheEnvironmentOrAFile() throws Exception {
        assertThat(parse("admin: { listen: \"0.0.0.0:2019\", token: " + TOKEN + " }", Map.of()).admin())
                .contains(new Admin("0.0.0.0", 2019, Optional.of(TOKEN)));
        assertThat(parse("admin: { listen: \"10.0.0.5:2019\", token_env: ADMIN_T }", Map.of("ADMIN_T", TOKEN + "\n"))
                .admin().orElseThrow().token()).contains(TOKEN);
        Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
        assertThat(parse("admin: { listen: \"[::]:2019\", token_file: admin.token }", Map.of()).admin())
                .contains(new Admin("::", 2019, Optional.of(TOKEN)));
        assertThat(parse("admin: { listen: \"127.0.0.1:2019\", token: " + TOKEN + " }", Map.of()).admin()
                .orElseThrow().token()).as("loopback may have a token too").contains(TOKEN);
    }

    @Test
    void aNonLoopbackAddressWithoutATokenIsRefusedAtTheAddress() {
        assertThat(errors("admin: { listen: \"0.0.0.0:2019\" }", Map.of()))
                .extracting(ConfigError::line, ConfigError::column, ConfigError::message)
                .containsExactly(tuple(1, 18, "admin.listen: \"0.0.0.0:2019\" is not a loopback address, so the admin "
                        + "API needs a token (expected: token_env: GATEHOUSE_ADMIN_TOKEN, token_file: FILE or token: "
                        + "TEXT beside listen; or a loopback address like 127.0.0.1:2019 or [::1]:2019)"));
    }

    @Test
    void badTokensAreRefusedWithTheirPositions() {
        assertThat(errors("admin: { listen: \"0.0.0.0:2019\", token: short }", Map.of()))
                .extracting(ConfigError::column, ConfigError::message)
                .containsExactly(tuple(41, "admin.token: the token from the config is only 5 characters long ("
                        + AdminReader.TOKEN_EXPECTED + ")"));
        assertThat(errors("admin: { listen: \"0.0.0.0:2019\", token_env: NOPE }", Map.of()))
                .extracting(ConfigError::message).singleElement().asString()
                .startsWith("admin.token_env: the environment variable NOPE is not set");
        assertThat(errors("admin: { listen: \"0.0.0.0:2019\", token_file: missing.token }", Map.of()))
                .extracting(ConfigError::message).singleElement().asString()
                .startsWith("admin.token_file: cannot read " + dir.resolve("missing.token"));
        assertThat(errors("admin: { listen: \"0.0.0.0:2019\", token: " + TOKEN + ", token_env: X }", Map.of("X", TOKEN)))
                .extracting(ConfigError::message).singleElement().asString()
                .isEqualTo("admin: both \"token\" and \"token_env\" given (expected: one of token, token_env, token_file)");
        assertThat(errors("admin: { token: " + TOKEN + " }", Map.of())).extracting(ConfigError::message)
                .containsExactly("admin: \"listen\" is missing (expected: like admin: { listen: \"127.0.0.1:2019\" })");
        assertThat(errors("admin: { listen: \"127.0.0.1:2019\", tokn: x }", Map.of())).extracting(ConfigError::hint)
                .containsExactly(Optional.of("did you mean \"token\"?"));
    }

    @Test
    void theTokenNeverShowsInToString() throws Exception {
        Admin admin = parse("admin: { listen: \"0.0.0.0:2019\", token: " + TOKEN + " }", Map.of()).admin().orElseThrow();
        assertThat(admin.toString()).doesNotContain(TOKEN).contains("[redacted]");
    }

    @Test
    void clientsReachWildcardListenersOverLoopback() {
        assertThat(new Admin("0.0.0.0", 2019).localUri()).hasToString("http://127.0.0.1:2019");
        assertThat(new Admin("::", 2019).localUri()).hasToString("http://[::1]:2019");
        assertThat(new Admin("::1", 2019).localUri()).hasToString("http://[::1]:2019");
        assertThat(new Admin("0:0:0:0:0:0:0:1", 2019).localUri()).as("the Host the API accepts")
                .hasToString("http://[::1]:2019");
        assertThat(new Admin("localhost", 2019).localUri()).hasToString("http://localhost:2019");
    }

    @Test
    void loadAdminReadsTheSectionWhileTheRestOfTheFileHasErrors() throws Exception {
        Files.writeString(source(), """
                admin: { listen: "127.0.0.1:2019" }
                sites:
                  example.com: { upstrem: app }
                """);
        assertThat(ConfigLoader.loadAdmin(source())).contains(new Admin("127.0.0.1", 2019));

        Files.writeString(source(), SITES);
        assertThat(ConfigLoader.loadAdmin(source())).isEmpty();

        Files.writeString(source(), "admin: { listen: \"0.0.0.0:2019\" }\n" + SITES);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.loadAdmin(source()));
        assertThat(e.errors()).extracting(ConfigError::line).containsExactly(1);
    }
}
