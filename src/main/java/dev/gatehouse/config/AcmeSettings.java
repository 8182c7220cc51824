package dev.gatehouse.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.nio.file.Path;

/**
 * The ACME side of automatic HTTPS, written under {@code acme:}.
 *
 * @param directories CA directory URLs tried in order when one fails (default: Let's Encrypt production; with
 *                    {@code staging: true}, Let's Encrypt staging). Written {@code directory: URL} or a list.
 * @param trust       PEM bundle trusted for the ACME server's own HTTPS endpoint (test CAs such as pebble)
 * @param eab         External Account Binding, for CAs that need it
 * @param challenge   pin one challenge type; empty: HTTP-01 when the http listener is on, else TLS-ALPN-01 (and DNS-01
 *                    for wildcard names)
 * @param dns         how DNS-01 challenges are answered ({@code acme.dns:}); needed for wildcards and {@code dns-01}
 */
public record AcmeSettings(List<URI> directories, Optional<Path> trust, Optional<Eab> eab,
                           Optional<ChallengeType> challenge, Optional<DnsSettings> dns) {
    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    public static final URI LETS_ENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");
    public static final AcmeSettings DEFAULTS =
            new AcmeSettings(List.of(LETS_ENCRYPT), Optional.empty(), Optional.empty(), Optional.empty());

    public AcmeSettings {
        directories = List.copyOf(directories);
        Objects.requireNonNull(dns, "dns");
    }

    /** Without DNS-01. */
    public AcmeSettings(List<URI> directories, Optional<Path> trust, Optional<Eab> eab, Optional<ChallengeType> challenge) {
        this(directories, trust, eab, challenge, Optional.empty());
    }

    /** External Account Binding: key id and base64url MAC key from the CA. */
    public record Eab(String keyId, String hmacKey) {
        @Override
        public String toString() {
            return "Eab[keyId=" + keyId + ", hmacKey=<redacted>]";
        }
    }

    /** Challenge types Gatehouse answers: HTTP-01 and TLS-ALPN-01 on its listeners, DNS-01 through a DNS provider. */
    public enum ChallengeType {
        HTTP_01("http-01"), TLS_ALPN_01("tls-alpn-01"), DNS_01("dns-01");

        private final String configName;

        ChallengeType(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }
}
