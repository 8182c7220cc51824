package dev.gatehouse.config;

import java.net.URI;
import java.util.Optional;

/**
 * Where Gatehouse tells about certificate trouble ({@code notify:}).
 *
 * @param webhook an http(s) URL that gets a JSON POST when a certificate's renewal fails or recovers, and when a
 *                certificate is within its renewal window and failing, or expired; none unless given
 */
public record Notify(Optional<URI> webhook) {
    public static final Notify NONE = new Notify(Optional.empty());
}
