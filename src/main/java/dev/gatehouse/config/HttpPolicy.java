package dev.gatehouse.config;

/** What a site does with plain-HTTP requests. Written {@code http: redirect | https-only | allow}. */
public enum HttpPolicy {
    /** 308 to the same URL on https (default). */
    REDIRECT("redirect"),
    /** 403 on plain HTTP, as a CDN's HTTPS-only viewer policy does. */
    HTTPS_ONLY("https-only"),
    /** Serve plain HTTP as well. */
    ALLOW("allow");

    private final String configName;

    HttpPolicy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
