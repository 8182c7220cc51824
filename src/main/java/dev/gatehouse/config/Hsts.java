package dev.gatehouse.config;

import java.time.Duration;

/**
 * Strict-Transport-Security for a site, off unless asked for. Written {@code hsts: 365d} or
 * {@code hsts: { max_age: 365d, include_subdomains: true, preload: true }}.
 */
public record Hsts(Duration maxAge, boolean includeSubdomains, boolean preload) {

    /** The header value, e.g. {@code max-age=31536000; includeSubDomains; preload}. */
    public String headerValue() {
        return "max-age=" + maxAge.toSeconds() + (includeSubdomains ? "; includeSubDomains" : "")
                + (preload ? "; preload" : "");
    }
}
