package dev.gatehouse.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /explain} {@code {"url": "https://example.com/api", "method": "GET", "headers": ["X-A: 1"],
 * "client": "203.0.113.7"}}: what the running instance would do with that request, with its live routing, health,
 * weights and certificates; nothing is sent upstream. Only {@code url} is required. {@code gatehouse explain} asks
 * this when the instance runs.
 */
final class ExplainEndpoint {
    private static final Set<String> KEYS = Set.of("url", "method", "headers", "client");
    private static final String EXPECTED = "expected: {\"url\": \"https://example.com/path\", \"method\": \"GET\", "
            + "\"headers\": [\"Name: value\"], \"client\": \"203.0.113.7\"}, only url required";

    private final RunningInstance instance;

    ExplainEndpoint(RunningInstance instance) {
        this.instance = instance;
    }

    Reply handle(String method, String path, String body) {
        AdminRouter.allow(method, path, "POST");
        Map<String, Object> fields = fields(body);
        String url = string(fields, "url").orElseThrow(() -> bad("\"url\" is missing"));
        List<String> headers = new ArrayList<>();
        Object h = fields.get("headers");
        if (h != null) {
            if (!(h instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
                throw bad("\"headers\" must be a list of \"Name: value\" strings");
            }
            list.forEach(line -> headers.add((String) line));
        }
        try {
            return Reply.json(200, instance.explain(string(fields, "method").orElse("GET"), url, headers,
                    string(fields, "client")));
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private static Map<String, Object> fields(String body) {
        Object parsed;
        try {
            parsed = AdminJson.parse(body.isEmpty() ? "{}" : body);
        } catch (IllegalArgumentException e) {
            throw bad("the body is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw bad("the body must be a JSON object");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw bad("unknown field \"" + key + "\"");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) map;
        return fields;
    }

    private static Optional<String> string(Map<String, Object> fields, String key) {
        Object v = fields.get(key);
        if (v != null && !(v instanceof String)) {
            throw bad("\"" + key + "\" must be a string");
        }
        return Optional.ofNullable((String) v);
    }

    private static Problem.Failure bad(String why) {
        return Problem.badRequest(why + " (" + EXPECTED + ")").failure();
    }
}
