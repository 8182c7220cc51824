package dev.gatehouse.proxy;

/** Config YAML for the proxy tests: one site, {@code example.test}, proxied to one upstream, {@code app}. */
final class Configs {
    private Configs() {
    }

    /** {@code example.test} → upstream {@code app} with these targets (each {@code host:port} or a flow map). */
    static String proxy(String... targets) {
        return """
                sites:
                  example.test:
                    upstream: app
                upstreams:
                  app: { targets: [%s] }
                """.formatted(String.join(", ", targets));
    }

    /** {@link #proxy} with more root-level YAML before it (timeouts, limits, trusted_proxies). */
    static String proxyWith(String rootYaml, String... targets) {
        return rootYaml.stripTrailing() + "\n" + proxy(targets);
    }
}
