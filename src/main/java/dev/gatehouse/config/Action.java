package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.Map;

/** What a route does with a request. */
public sealed interface Action {

    /** Proxy to the named upstream pool. */
    record Proxy(String upstream) implements Action {
    }

    /**
     * Redirect. {@code target} may hold placeholders ({@link Template}): {@code {scheme}}, {@code {host}},
     * {@code {uri}} (path and query), {@code {path}}, {@code {query}}, and the others header rules take.
     *
     * @param status 301, 302, 303, 307 or 308 (default 308)
     * @param target as written; checked at load, so {@link #template} never fails
     */
    record Redirect(int status, String target) implements Action {
        public static final int DEFAULT_STATUS = 308;

        /** The target with its placeholders parsed. */
        public Template template() {
            return Template.parse(target);
        }
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
