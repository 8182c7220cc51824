package dev.gatehouse.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /}: the dashboard, one self-contained page (no build step, nothing fetched from elsewhere) that polls
 * the JSON API. The page holds no data, so it is served without the token; its API calls carry it.
 */
final class Dashboard {
    static final String RESOURCE = "dashboard.html";
    /** Inline script and style only, same-origin API calls, never framed (clickjacking). */
    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                    + "connect-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer");

    private volatile byte[] page;

    Reply handle(String method, String path) {
        AdminRouter.allow(method, path, "GET");
        return new Reply(200, "text/html; charset=utf-8", page(), HEADERS);
    }

    private byte[] page() {
        byte[] p = page;
        if (p == null) {
            try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the jar");
                }
                p = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            page = p;
        }
        return p;
    }
}
