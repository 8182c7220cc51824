package dev.gatehouse.certificates;

import dev.gatehouse.acme.ChallengePlan;
import dev.gatehouse.config.AcmeSettings;
import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.KeyType;
import dev.gatehouse.config.Site;
import dev.gatehouse.storage.CertifiedKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One certificate the config asks for: a site's names (host first, then its aliases) with one key type, from one
 * source. A site with {@code key_type: [ecdsa-p256, rsa2048]} has two. Stored under {@link #id()}: the site's host
 * for the default key type (the layout older versions wrote), {@code host+rsa2048} and the like for the others.
 *
 * @param site    the site's host
 * @param names   every name the certificate carries, the site's host first
 * @param keyType the key type it is ordered with
 * @param source  where it comes from
 * @param dns     the site's own DNS-01 settings ({@code tls: { dns: }}), when it has them
 */
public record ManagedCertificate(String site, List<String> names, KeyType keyType, CertificateSource source,
                                 Optional<DnsSettings> dns) {

    public ManagedCertificate {
        Objects.requireNonNull(site, "site");
        names = List.copyOf(names);
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(dns, "dns");
    }

    /** The certificates of one site, in its key type order (one only for the user's own files). */
    public static List<ManagedCertificate> of(Site site) {
        CertificateSource source = CertificateSource.of(site);
        List<String> names = site.names().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        if (source == CertificateSource.FILES) {
            return List.of(new ManagedCertificate(site.host(), names, KeyType.DEFAULT, source, site.dns()));
        }
        return site.keyTypes().stream().map(k -> new ManagedCertificate(site.host(), names, k, source, site.dns()))
                .toList();
    }

    /** Every certificate of a config, sites in file order. */
    public static List<ManagedCertificate> of(GatehouseConfig config) {
        List<ManagedCertificate> out = new ArrayList<>();
        config.sites().values().forEach(site -> out.addAll(of(site)));
        return out;
    }

    /** The storage name: the host for the default key type, {@code host+type} for others. */
    public String id() {
        return keyType == KeyType.DEFAULT ? site : site + "+" + keyType.configName();
    }

    /** Whether a name is a wildcard ({@code *.example.com}): ACME can only validate it over DNS-01. */
    public boolean hasWildcard() {
        return names.stream().anyMatch(n -> n.startsWith("*."));
    }

    /**
     * Why ACME cannot get this certificate whatever the listeners: a wildcard name, which CAs validate only over
     * DNS-01 (RFC 8555 section 7.1.3), without a DNS provider ({@code acme.dns} or the site's own) to answer it.
     * Empty for certificates from elsewhere.
     */
    public Optional<String> acmeProblem(AcmeSettings acme) {
        return source == CertificateSource.ACME && hasWildcard()
                ? ChallengePlan.of(acme, dns).problem(names, Set.of()) : Optional.empty();
    }

    /**
     * Whether a stored certificate still fits: it carries every name (the config may have gained an alias) and, for
     * a non-default key type, has that key. The default slot keeps serving an imported RSA certificate until renewal.
     */
    public boolean isCoveredBy(CertifiedKey certificate) {
        if (!certificate.names().containsAll(names)) {
            return false;
        }
        return keyType == KeyType.DEFAULT
                || KeyPairs.typeOf(certificate.leaf().getPublicKey()).map(keyType::equals).orElse(false);
    }
}
