package dev.gatehouse.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error answer, written as an RFC 9457 problem document ({@code application/problem+json}).
 *
 * @param status     HTTP status
 * @param title      the status's short phrase
 * @param detail     what went wrong and what was expected
 * @param headers    response headers the status calls for ({@code Allow} for a 405, {@code WWW-Authenticate} for a 401)
 * @param extensions extra members of the document, e.g. {@code errors} of a refused reload
 */
record Problem(int status, String title, String detail, Map<String, String> headers, Map<String, Object> extensions) {
    static final String CONTENT_TYPE = "application/problem+json";

    Problem {
        headers = Map.copyOf(headers);
        extensions = Map.copyOf(extensions);
    }

    private static Problem of(int status, String title, String detail) {
        return new Problem(status, title, detail, Map.of(), Map.of());
    }

    static Problem badRequest(String detail) {
        return of(400, "Bad Request", detail);
    }

    static Problem unauthorized(String detail) {
        return new Problem(401, "Unauthorized", detail, Map.of("WWW-Authenticate", "Bearer realm=\"gatehouse\""),
                Map.of());
    }

    static Problem forbidden(String detail) {
        return of(403, "Forbidden", detail);
    }

    static Problem notFound(String detail) {
        return of(404, "Not Found", detail);
    }

    static Problem conflict(String detail) {
        return of(409, "Conflict", detail);
    }

    static Problem unsupportedMediaType(String detail) {
        return of(415, "Unsupported Media Type", detail);
    }

    /** A request that was understood but cannot be carried out, with the reasons as {@code errors}. */
    static Problem unprocessable(String detail, List<String> errors) {
        return new Problem(422, "Unprocessable Content", detail, Map.of(), Map.of("errors", List.copyOf(errors)));
    }

    static Problem internal(String detail) {
        return of(500, "Internal Server Error", detail);
    }

    static Problem methodNotAllowed(String method, String path, List<String> allow) {
        return new Problem(405, "Method Not Allowed",
                method + " is not allowed on " + path + " (expected: " + String.join(", ", allow) + ")",
                Map.of("Allow", String.join(", ", allow)), Map.of());
    }

    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "about:blank");
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        m.putAll(extensions);
        return AdminJson.write(m);
    }

    /** Thrown by the endpoints to answer with this problem. */
    static final class Failure extends RuntimeException {
        final Problem problem;

        Failure(Problem problem) {
            super(problem.detail(), null, false, false);
            this.problem = problem;
        }
    }

    Failure failure() {
        return new Failure(this);
    }
}
