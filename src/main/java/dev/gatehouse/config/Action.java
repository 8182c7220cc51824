package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.Map;

/** What a route does with a request. */
public sealed interface Action {

    /** Proxy to the named upstream pool. */
    record Proxy(String upstream) implements Action {
    }

    /**
     * Redirect. {@code target} may hold placeholders: {@code {host}}, {@code {uri}} (path and query),
     * {@code {path}}, {@code {query}}, {@code {scheme}}.
     *
     * @param status 301, 302, 303, 307 or 308 (default 308)
     */
    record Redirect(int status, String target) implements Action {
        public static final int DEFAULT_STATUS = 308;
    }

    /** A fixed response. */
    record Respond(int status, String body, Map<String, String> headers) implements Action {
        public Respond {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * Static files from a directory (absolute, resolved against the config file's directory).
     *
     * @param index file served for a directory request (default {@code index.html})
     */
    record Files(Path root, String index) implements Action {
        public static final String DEFAULT_INDEX = "index.html";
    }
}
