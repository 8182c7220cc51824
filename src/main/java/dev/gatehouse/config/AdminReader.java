package dev.gatehouse.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads {@code admin: { listen: host:port, token | token_env | token_file }}. Loopback addresses may go without a
 * token; any other address needs one, since anyone who reaches the port could otherwise reconfigure the pools.
 */
final class AdminReader {
    static final List<String> ADMIN_KEYS = List.of("listen", "token", "token_env", "token_file");
    private static final List<String> TOKEN_KEYS = List.of("token", "token_env", "token_file");
    static final String TOKEN_EXPECTED = "expected: at least " + Admin.MIN_TOKEN_LENGTH
            + " characters without spaces, e.g. from: openssl rand -hex 32";

    private final Values values;
    private final Path baseDir;
    private final Function<String, String> env;

    /**
     * @param baseDir where a relative {@code token_file} is
     * @param env     environment lookup for {@code token_env} (null for unset)
     */
    AdminReader(Values values, Path baseDir, Function<String, String> env) {
        this.values = values;
        this.baseDir = baseDir;
        this.env = env;
    }

    Optional<Admin> read(YamlMap root) {
        Optional<YamlMap> section = root.get("admin")
                .flatMap(n -> YamlMap.fields(n, "admin", ADMIN_KEYS, values.problems()));
        if (section.isEmpty()) {
            return Optional.empty();
        }
        YamlMap admin = section.get();
        Optional<String> token = token(admin);
        Optional<Node> listenNode = admin.get("listen");
        if (listenNode.isEmpty()) {
            if (!admin.hadUnknownKeys()) {
                values.problems().at(root.entry("admin").orElseThrow().keyNode(), "admin",
                        "\"listen\" is missing (expected: like admin: { listen: \"127.0.0.1:2019\" })");
            }
            return Optional.empty();
        }
        return values.string(admin, "listen").flatMap(text -> values.parsed(listenNode.get(), admin.path("listen"),
                text, t -> listener(t, token, admin)));
    }

    private Admin listener(String text, Optional<String> token, YamlMap admin) {
        HostPort hp = HostPort.parse(text, 0);
        boolean tokenGiven = TOKEN_KEYS.stream().anyMatch(admin::has);
        if (!tokenGiven && !isLoopback(hp.host())) {
            throw new IllegalArgumentException("\"" + text + "\" is not a loopback address, so the admin API needs a "
                    + "token (expected: token_env: GATEHOUSE_ADMIN_TOKEN, token_file: FILE or token: TEXT beside "
                    + "listen; or a loopback address like 127.0.0.1:2019 or [::1]:2019)");
        }
        return new Admin(hp.host(), hp.port(), token);
    }

    /** The token from whichever of the three keys is given; at most one may be. */
    private Optional<String> token(YamlMap admin) {
        List<YamlMap.Entry> given = admin.entries().stream().filter(e -> TOKEN_KEYS.contains(e.key())).toList();
        if (given.size() > 1) {
            admin.conflict(given.get(0), given.get(1), "one of token, token_env, token_file", values.problems());
            return Optional.empty();
        }
        if (given.isEmpty()) {
            return Optional.empty();
        }
        YamlMap.Entry entry = given.get(0);
        String path = admin.path(entry.key());
        return values.string(entry.value(), path).flatMap(text -> values.parsed(entry.value(), path, text,
                t -> switch (entry.key()) {
                    case "token_env" -> fromEnv(t);
                    case "token_file" -> fromFile(t);
                    default -> checked(t, "the config");
                }));
    }

    private String fromEnv(String name) {
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the environment variable " + name + " is not set (expected: the "
                    + "admin token in it, e.g. export " + name + "=$(openssl rand -hex 32))");
        }
        return checked(value.strip(), "the environment variable " + name);
    }

    private String fromFile(String file) {
        Path path = baseDir.resolve(file).normalize();
        try {
            return checked(Files.readString(path).strip(), path.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e.getClass().getSimpleName()
                    + " (expected: a file holding the admin token, readable by Gatehouse)");
        }
    }

    private static String checked(String token, String where) {
        if (token.length() < Admin.MIN_TOKEN_LENGTH || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the token from " + where + (token.length() < Admin.MIN_TOKEN_LENGTH
                    ? " is only " + token.length() + " characters long" : " has spaces or non-ASCII characters")
                    + " (" + TOKEN_EXPECTED + ")");
        }
        return token;
    }

    /** {@code localhost} or a loopback IP literal; other names are refused without a DNS lookup. */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+") && host.indexOf(':') < 0) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The process environment, as the loader passes it. */
    static Function<String, String> systemEnv() {
        Map<String, String> env = System.getenv();
        return env::get;
    }
}
