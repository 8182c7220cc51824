package dev.gatehouse.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code basic_auth: { users: { alice: HASH }, realm: ..., htpasswd: FILE, forward_authorization: false }} at a site
 * or route: HTTP basic authentication. Hashes are bcrypt ({@code $2y$}, {@code $2b$}, as {@code htpasswd -B} writes)
 * or argon2id ({@code ./gatehouse hash-password}). A missing or wrong password gets 401 with
 * {@code WWW-Authenticate: Basic realm="..."}.
 *
 * @param passwordHashes       user name to password hash (redacted in the admin API's config), from {@code users} and the {@code htpasswd} file (read when
 *                             the config loads, and again on every reload)
 * @param realm                the realm shown by browsers; default the site's name
 * @param forwardAuthorization whether the {@code Authorization} header goes on to the upstream (default false: the
 *                             password stays here)
 */
public record BasicAuth(Map<String, String> passwordHashes, Optional<String> realm, boolean forwardAuthorization)
        implements StageConfig {
    private static final List<String> KEYS = List.of("users", "htpasswd", "realm", "forward_authorization");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    private static final Pattern ARGON2ID = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,9}),t=(\\d{1,3}),p=(\\d{1,2})\\$[A-Za-z0-9+/]{11,}\\$[A-Za-z0-9+/]{22,}");
    /** Mirrors {@code auth.PasswordHash.MAX_ARGON2_MEMORY_KIB}: a check may not ask for more of the heap. */
    private static final int MAX_ARGON2_MEMORY_KIB = 65_536;

    public BasicAuth {
        passwordHashes = Map.copyOf(passwordHashes);
    }

    static Optional<BasicAuth> read(Node node, String path, StageKeys.Reading in) {
        return YamlMap.fields(node, path, KEYS, in.problems()).flatMap(m -> {
            Map<String, String> users = new LinkedHashMap<>();
            m.get("users").flatMap(n -> YamlMap.names(n, m.path("users"), "user", u -> u, in.problems()))
                    .ifPresent(map -> {
                        for (YamlMap.Entry e : map.entries()) {
                            in.values().string(e.value(), map.path(e.key())).ifPresent(hash -> {
                                String problem = check(e.key(), hash);
                                if (problem != null) {
                                    in.problems().at(e.value(), map.path(e.key()), problem);
                                } else {
                                    users.put(e.key(), hash);
                                }
                            });
                        }
                    });
            m.get("htpasswd").ifPresent(n -> in.values().string(n, m.path("htpasswd"))
                    .ifPresent(file -> htpasswd(in.baseDir().resolve(file).normalize(), n, m.path("htpasswd"), in,
                            users)));
            if (users.isEmpty()) {
                if (!m.has("users") && !m.has("htpasswd")) {
                    in.problems().at(node, path, "no users (expected: users: { alice: HASH } or htpasswd: FILE; "
                            + "make a HASH with ./gatehouse hash-password)");
                }
                return Optional.empty();
            }
            Optional<String> realm = in.values().string(m, "realm");
            realm.filter(r -> r.chars().anyMatch(c -> c < 0x20 || c == 0x7f)).ifPresent(r -> in.problems()
                    .at(m.get("realm").orElseThrow(), m.path("realm"), "the realm has control characters "
                            + "(expected: printable text)"));
            boolean forward = m.get("forward_authorization")
                    .flatMap(n -> in.values().bool(n, m.path("forward_authorization"))).orElse(false);
            return Optional.of(new BasicAuth(users, realm, forward));
        });
    }

    /** {@code user:hash} lines; blank lines and {@code #} comments skipped. */
    private static void htpasswd(Path file, Node node, String path, StageKeys.Reading in, Map<String, String> users) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            in.problems().at(node, path, "cannot read " + file + ": " + e.getMessage()
                    + " (expected: an htpasswd file of user:hash lines)");
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String where = file + ":" + (i + 1) + ": ";
            if (colon <= 0) {
                in.problems().at(node, path, where + "not a user:hash line");
                continue;
            }
            String user = line.substring(0, colon);
            String problem = check(user, line.substring(colon + 1));
            if (problem != null) {
                in.problems().at(node, path, where + problem);
            } else if (users.putIfAbsent(user, line.substring(colon + 1)) != null) {
                in.problems().at(node, path, where + "user \"" + user + "\" is given twice (expected: once)");
            }
        }
    }

    /** Null when {@code hash} is a hash Gatehouse checks; else what is wrong with it. */
    private static String check(String user, String hash) {
        if (BCRYPT.matcher(hash).matches()) {
            return null;
        }
        Matcher a = ARGON2ID.matcher(hash);
        if (a.matches()) {
            return Long.parseLong(a.group(1)) > MAX_ARGON2_MEMORY_KIB ? "user \"" + user + "\": argon2id m="
                    + a.group(1) + " (expected: at most " + MAX_ARGON2_MEMORY_KIB + " KiB: checks share the heap)"
                    : null;
        }
        if (hash.startsWith("$apr1$") || hash.startsWith("{SHA}") || hash.startsWith("$1$")) {
            return "user \"" + user + "\": MD5 and SHA-1 hashes are not accepted (expected: bcrypt, htpasswd -B, or "
                    + "argon2id from ./gatehouse hash-password)";
        }
        return "user \"" + user + "\": not a bcrypt ($2y$/$2b$) or argon2id hash (expected: the output of "
                + "./gatehouse hash-password or htpasswd -B)";
    }
}
