package dev.gatehouse.stages;

import io.netty.handler.codec.http.HttpRequest;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A request as {@code gatehouse explain} shows it to a stage's {@link Stage#foresee}: the head, the host it was
 * routed by, whether it came over HTTPS, and the client's address. Nothing is sent and no exchange exists.
 */
public record Preview(HttpRequest request, String host, boolean secure, InetAddress client) {
    public Preview {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(client, "client");
    }
}
