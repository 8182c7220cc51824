package dev.gatehouse.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code forward_auth: { url, copy_headers, method, timeout, cache, request_headers }} at a site or route: each request
 * is first put to an auth service, nginx {@code auth_request} style. A 2xx lets it through with {@code copy_headers}
 * from the service's answer; any other answer goes back to the client as it is (a 401 with its body and
 * WWW-Authenticate, a 302 to a login page); a timeout or a refused connection is 503, never a pass.
 *
 * @param url            the auth service, {@code http://} or {@code https://}
 * @param copyHeaders    headers of a 2xx answer set on the request that goes on (the client's own are removed first)
 * @param method         the auth request's method (default GET); the original is in {@code X-Forwarded-Method}
 * @param timeout        connect plus answer (default 5s)
 * @param cache          when given, 2xx answers are remembered this long per request line and credentials
 * @param requestHeaders when given, only these request headers are sent (default: all but hop-by-hop ones)
 */
public record ForwardAuth(URI url, List<String> copyHeaders, String method, Duration timeout, Optional<Duration> cache,
                          Optional<List<String>> requestHeaders) implements StageConfig {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final List<String> KEYS = List.of("url", "copy_headers", "method", "timeout", "cache",
            "request_headers");
    private static final String TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";

    public ForwardAuth {
        copyHeaders = List.copyOf(copyHeaders);
        requestHeaders = requestHeaders.map(List::copyOf);
    }

    static Optional<ForwardAuth> read(Node node, String path, StageKeys.Reading in) {
        return YamlMap.fields(node, path, KEYS, in.problems()).flatMap(m -> {
            if (!m.has("url")) {
                in.problems().at(node, path, "no url (expected: like url: http://127.0.0.1:9091/auth)");
                return Optional.empty();
            }
            Node urlNode = m.get("url").orElseThrow();
            Optional<URI> url = in.values().string(urlNode, m.path("url")).flatMap(u -> url(u, urlNode,
                    m.path("url"), in));
            List<String> copy = names(m, "copy_headers", in).orElse(List.of());
            Optional<List<String>> send = names(m, "request_headers", in);
            String method = in.values().string(m, "method").map(s -> s.toUpperCase(Locale.ROOT)).orElse("GET");
            if (!method.matches(TOKEN)) {
                in.problems().at(m.get("method").orElseThrow(), m.path("method"), "\"" + method
                        + "\" is not a method (expected: like GET or POST)");
            }
            Duration timeout = m.get("timeout").flatMap(n -> in.values().positiveDuration(n, m.path("timeout")))
                    .orElse(DEFAULT_TIMEOUT);
            Optional<Duration> cache = m.get("cache").flatMap(n -> in.values().positiveDuration(n, m.path("cache")));
            return url.map(u -> new ForwardAuth(u, copy, method, timeout, cache, send));
        });
    }

    private static Optional<URI> url(String text, Node node, String path, StageKeys.Reading in) {
        try {
            URI u = new URI(text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null && u.getRawFragment() == null
                    && u.getRawUserInfo() == null) {
                return Optional.of(u);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        in.problems().at(node, path, "\"" + text + "\" is not an http:// or https:// URL with a host "
                + "(expected: like http://127.0.0.1:9091/auth)");
        return Optional.empty();
    }

    private static Optional<List<String>> names(YamlMap m, String key, StageKeys.Reading in) {
        return m.get(key).map(node -> {
            List<String> out = new ArrayList<>();
            List<Node> items = Values.oneOrMany(node);
            for (int i = 0; i < items.size(); i++) {
                String itemPath = YamlNodes.item(m.path(key), i);
                Node item = items.get(i);
                in.values().string(item, itemPath).ifPresent(name -> {
                    if (name.matches(TOKEN)) {
                        out.add(name);
                    } else {
                        in.problems().at(item, itemPath, "\"" + name + "\" is not a header name (expected: like X-User)");
                    }
                });
            }
            return out;
        });
    }
}
