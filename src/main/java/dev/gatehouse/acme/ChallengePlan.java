package dev.gatehouse.acme;

import dev.gatehouse.config.AcmeSettings;
import dev.gatehouse.config.AcmeSettings.ChallengeType;
import dev.gatehouse.config.DnsSettings;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which challenge proves control of each name of an order:
 * <ul>
 *   <li>DNS-01 for every name when the site has its own {@code tls: { dns: }} or {@code acme.challenge} is
 *       {@code dns-01};</li>
 *   <li>DNS-01 for wildcard names, whatever else is set (RFC 8555 §7.1.3: CAs offer only DNS-01 for them);</li>
 *   <li>DNS-01, unless a type is pinned, for the other names of an order in a wildcard's domain ({@code example.com}
 *       beside {@code *.example.com}): the order waits for DNS propagation anyway, a wildcard's apex often points
 *       elsewhere (a CDN, another server), and the CA's resolver then finds both values at one name at once, as
 *       certbot and Traefik do with a DNS plugin;</li>
 *   <li>otherwise the pinned type, else HTTP-01 when the http listener is on, else TLS-ALPN-01 (as Caddy and certbot
 *       do), else DNS-01 when a provider is configured.</li>
 * </ul>
 * Pure: the caller says which listeners are up and what the CA offers.
 */
public final class ChallengePlan {
    private final Optional<ChallengeType> pinned;
    private final Optional<DnsSettings> dns;
    private final boolean dnsForAll;
    /** The domains of the order's wildcards ({@code example.com} for {@code *.example.com}). */
    private final Set<String> wildcardDomains;

    private ChallengePlan(Optional<ChallengeType> pinned, Optional<DnsSettings> dns, boolean dnsForAll,
                          Set<String> wildcardDomains) {
        this.pinned = pinned;
        this.dns = dns;
        this.dnsForAll = dnsForAll;
        this.wildcardDomains = Set.copyOf(wildcardDomains);
    }

    /** @param siteDns the site's own {@code tls: { dns: }}, when it has one */
    public static ChallengePlan of(AcmeSettings settings, Optional<DnsSettings> siteDns) {
        Objects.requireNonNull(siteDns, "siteDns");
        boolean dnsForAll = siteDns.isPresent() || settings.challenge().equals(Optional.of(ChallengeType.DNS_01));
        return new ChallengePlan(settings.challenge(), siteDns.or(settings::dns), dnsForAll, Set.of());
    }

    /** This plan for one order's names: names in the domain of one of its wildcards go over DNS-01 with it. */
    public ChallengePlan forOrder(List<String> names) {
        Set<String> domains = names.stream().filter(n -> n.startsWith("*.")).map(n -> n.substring(2))
                .collect(java.util.stream.Collectors.toSet());
        return new ChallengePlan(pinned, dns, dnsForAll, domains);
    }

    /** Whether {@code name} (not a wildcard) goes over DNS-01 beside a wildcard of its order. */
    private boolean besideWildcard(String name) {
        if (pinned.isPresent() || dns.isEmpty()) {
            return false;
        }
        for (String domain : wildcardDomains) {
            if (name.equals(domain) || name.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    /** The DNS-01 settings that apply, when there are any. */
    public Optional<DnsSettings> dns() {
        return dns;
    }

    /**
     * Why {@code names} cannot be validated at all, checked before an order is placed (orders count against CA rate
     * limits); empty when they can.
     */
    public Optional<String> problem(List<String> names, Set<ChallengeType> listeners) {
        Optional<String> wildcard = names.stream().filter(n -> n.startsWith("*.")).findFirst();
        if (wildcard.isPresent() && dns.isEmpty()) {
            return Optional.of(wildcard.get() + " is a wildcard, which only DNS-01 can validate, and no DNS provider is"
                    + " configured (expected: acme.dns: { provider: rfc2136 | acme-dns | exec, ... }, or the site's"
                    + " tls: { dns: {...} })");
        }
        ChallengePlan order = forOrder(names);
        boolean listenerNames = !dnsForAll
                && names.stream().anyMatch(n -> !n.startsWith("*.") && !order.besideWildcard(n));
        if (!listenerNames) {
            return Optional.empty();
        }
        if (pinned.isPresent() && pinned.get() != ChallengeType.DNS_01 && !listeners.contains(pinned.get())) {
            return Optional.of("challenge " + pinned.get().configName() + " is pinned but its listener is off (expected: "
                    + (pinned.get() == ChallengeType.HTTP_01 ? "http" : "https") + " listener on)");
        }
        if (pinned.isEmpty() && listeners.isEmpty() && dns.isEmpty()) {
            return Optional.of("no listener can answer a challenge (expected: http listener for http-01, https for "
                    + "tls-alpn-01, or acme.dns for dns-01)");
        }
        return Optional.empty();
    }

    /**
     * The challenge for one authorization.
     *
     * @param wildcard  whether the order asked for {@code *.name}
     * @param offered   the challenge types the CA offers for it
     * @param listeners the types the bound listeners can answer now
     * @throws NoChallenge saying why none fits
     */
    public ChallengeType choose(String name, boolean wildcard, List<String> offered, Set<ChallengeType> listeners)
            throws NoChallenge {
        if (wildcard || dnsForAll || besideWildcard(name)) {
            String what = wildcard ? "*." + name : name;
            if (dns.isEmpty()) {
                throw new NoChallenge(what + " needs DNS-01 and no DNS provider is configured (expected: acme.dns)");
            }
            return offeredOrFail(ChallengeType.DNS_01, what, offered);
        }
        if (pinned.isPresent()) {
            return offeredOrFail(pinned.get(), name, offered);
        }
        for (ChallengeType type : List.of(ChallengeType.HTTP_01, ChallengeType.TLS_ALPN_01)) {
            if (listeners.contains(type) && offered.contains(type.configName())) {
                return type;
            }
        }
        if (dns.isPresent() && offered.contains(ChallengeType.DNS_01.configName())) {
            return ChallengeType.DNS_01;
        }
        throw new NoChallenge("no challenge to answer for " + name + ": CA offers " + offered + ", listeners allow "
                + listeners.stream().map(ChallengeType::configName).sorted().toList()
                + (dns.isEmpty() ? ", no acme.dns" : ""));
    }

    private static ChallengeType offeredOrFail(ChallengeType type, String name, List<String> offered) throws NoChallenge {
        if (!offered.contains(type.configName())) {
            throw new NoChallenge("CA offers " + offered + " for " + name + ", not " + type.configName());
        }
        return type;
    }

    /** No challenge type fits one authorization; the message says why. */
    public static final class NoChallenge extends Exception {
        NoChallenge(String message) {
            super(message);
        }
    }
}
