package dev.gatehouse.admin;

import dev.gatehouse.cache.ResponseCache;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /cache/purge} with one of {@code {"url": "http://host/path"}} (that URL, under http and https, every
 * Vary selection), {@code {"tag": "NAME"}} (every response tagged so by its Surrogate-Key or Cache-Tag) or
 * {@code {"prefix": "http://host/path/"}} (every URL starting so, under both schemes). Answers
 * {@code {"purged": N}}, the number of URLs dropped.
 */
final class CacheEndpoint {
    private static final List<String> KEYS = List.of("url", "tag", "prefix");
    private static final String EXPECTED = "expected one of {\"url\": \"http://example.com/page\"}, "
            + "{\"tag\": \"NAME\"} or {\"prefix\": \"http://example.com/blog/\"}";

    private final RunningInstance instance;

    CacheEndpoint(RunningInstance instance) {
        this.instance = instance;
    }

    /** {@code seg} starts with "cache". */
    Reply handle(String method, String path, List<String> seg, String body) {
        if (seg.size() != 2 || !seg.get(1).equals("purge")) {
            throw AdminRouter.noSuchEndpoint(path);
        }
        AdminRouter.allow(method, path, "POST");
        Map<String, Object> fields;
        try {
            fields = AdminJson.parseObject(body == null || body.isBlank() ? "{}" : body, EXPECTED);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("the body is not a JSON object: " + e.getMessage() + " (" + EXPECTED + ")")
                    .failure();
        }
        List<String> given = fields.keySet().stream().filter(KEYS::contains).toList();
        List<String> unknown = fields.keySet().stream().filter(k -> !KEYS.contains(k)).toList();
        if (!unknown.isEmpty() || given.size() != 1) {
            throw Problem.badRequest((unknown.isEmpty() ? "" : "unknown field \"" + unknown.get(0) + "\"; ")
                    + EXPECTED).failure();
        }
        String key = given.get(0);
        if (!(fields.get(key) instanceof String value) || value.isBlank()) {
            throw Problem.badRequest("\"" + key + "\" must be a non-empty string (" + EXPECTED + ")").failure();
        }
        ResponseCache cache = instance.cache();
        int purged = switch (key) {
            case "url" -> cache.purgeUrl(url(value, "url", false));
            case "prefix" -> cache.purgePrefix(url(value, "prefix", true));
            default -> cache.purgeTag(value);
        };
        return Reply.json(200, Map.of("purged", purged));
    }

    /** An absolute http(s) URL as the cache keys it: lower-case host, no port, no fragment. */
    static String url(String text, String field, boolean prefix) {
        try {
            URI u = new URI(text.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
                throw new URISyntaxException(text, "not an absolute http or https URL");
            }
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? (prefix ? "" : "/") : u.getRawPath();
            String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + path + query;
        } catch (URISyntaxException e) {
            throw Problem.badRequest("\"" + field + "\": \"" + text + "\" is not an absolute http or https URL (expected: like "
                    + (prefix ? "http://example.com/blog/" : "http://example.com/page") + ")").failure();
        }
    }
}
