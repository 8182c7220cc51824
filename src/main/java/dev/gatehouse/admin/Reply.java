package dev.gatehouse.admin;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An admin API answer: status, content type, body and the headers its status calls for. */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    Reply {
        headers = Map.copyOf(headers);
    }

    static Reply json(int status, Object value) {
        return new Reply(status, "application/json", AdminJson.write(value).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Reply of(Problem p) {
        return new Reply(p.status(), Problem.CONTENT_TYPE, p.json().getBytes(StandardCharsets.UTF_8), p.headers());
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
