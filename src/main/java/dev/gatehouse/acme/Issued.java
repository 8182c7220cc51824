package dev.gatehouse.acme;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate obtained by {@link AcmeIssuer}.
 *
 * @param chain       leaf first, then the intermediates as the CA sent them (not the root)
 * @param directory   the CA directory that issued it (one of the configured ones; the first may have failed)
 * @param account     our account at that CA (its URL), which ordered it
 * @param issuer      the leaf's issuer distinguished name, for logs and the admin API
 * @param renewalInfo the CA's ARI window for this certificate (RFC 9773) when it offers one at issuance
 */
public record Issued(List<X509Certificate> chain, URI directory, URI account, String issuer, Optional<RenewalWindow> renewalInfo) {
    public Issued {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: empty (expected: the leaf certificate at least)");
        }
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(renewalInfo, "renewalInfo");
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }
}
