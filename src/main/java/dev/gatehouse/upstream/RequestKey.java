package dev.gatehouse.upstream;

import java.util.Optional;

/** What the hash and sticky policies may read of a request; read only by those policies. */
public interface RequestKey {
    /** A request with no keys (health checks, tests): hash and sticky fall back to round robin. */
    RequestKey NONE = new RequestKey() {
        @Override
        public String clientIp() {
            return "";
        }

        @Override
        public Optional<String> header(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<String> cookie(String name) {
            return Optional.empty();
        }
    };

    /** The client's address as text. */
    String clientIp();

    Optional<String> header(String name);

    Optional<String> cookie(String name);
}
