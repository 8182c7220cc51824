package dev.gatehouse.config;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code tls:} of an upstream with {@code protocol: h2}: how Gatehouse verifies the upstream's certificate.
 * There is deliberately no way to turn verification off.
 *
 * @param ca             {@code ca:} a PEM file of the CA certificate(s) to trust instead of the system's trust
 *                       store (default: the JDK's system store)
 * @param caCertificates the certificates read from {@code ca} when the config was loaded (empty without it)
 * @param serverName     {@code server_name:} the name sent in SNI and checked against the certificate (default: the
 *                       target's host, IP addresses checked against the certificate's IP entries)
 */
public record UpstreamTls(Optional<Path> ca, List<X509Certificate> caCertificates, Optional<String> serverName) {
    /** System trust store, the target's host as the name. */
    public static final UpstreamTls DEFAULT = new UpstreamTls(Optional.empty(), List.of(), Optional.empty());

    public UpstreamTls {
        Objects.requireNonNull(ca, "ca");
        caCertificates = List.copyOf(caCertificates);
        Objects.requireNonNull(serverName, "serverName");
    }
}
