package dev.gatehouse.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error answer, written as an RFC 9457 problem document ({@code application/problem+json}).
 *
 * @param status HTTP status
 * @param title  the status's short phrase
 * @param detail what went wrong and what was expected
 * @param allow  methods for the Allow header of a 405 (empty otherwise)
 */
record Problem(int status, String title, String detail, List<String> allow) {
    static final String CONTENT_TYPE = "application/problem+json";

    Problem {
        allow = List.copyOf(allow);
    }

    static Problem badRequest(String detail) {
        return new Problem(400, "Bad Request", detail, List.of());
    }

    static Problem notFound(String detail) {
        return new Problem(404, "Not Found", detail, List.of());
    }

    static Problem conflict(String detail) {
        return new Problem(409, "Conflict", detail, List.of());
    }

    static Problem methodNotAllowed(String method, String path, List<String> allow) {
        return new Problem(405, "Method Not Allowed",
                method + " is not allowed on " + path + " (expected: " + String.join(", ", allow) + ")", allow);
    }

    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "about:blank");
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        return Json.write(m);
    }

    /** Thrown by the router to answer with this problem. */
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
