package dev.gatehouse.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How DNS-01 challenges are answered, written under {@code acme.dns:} (and per site under {@code tls: { dns: }}).
 *
 * @param provider    who writes the TXT records: {@code rfc2136}, {@code acme-dns} or {@code exec}, with its own keys
 * @param nameserver  the server asked for zone lookups (SOA walk, CNAME, NS) and, for {@code rfc2136}, sent the
 *                    updates; default: lookups through the system resolver, updates to the zone's primary (SOA MNAME)
 * @param zone        the zone to update, instead of finding it by walking SOA records
 * @param propagation when the TXT records count as published
 */
public record DnsSettings(Provider provider, Optional<HostPort> nameserver, Optional<String> zone,
                         Propagation propagation) {
    /** The DNS port, for {@code nameserver} written without one. */
    public static final int DNS_PORT = 53;

    public DnsSettings {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(nameserver, "nameserver");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(propagation, "propagation");
    }

    /** The provider's name as the config writes it. */
    public String providerName() {
        return provider.configName();
    }

    /** Who publishes the TXT records; one case per {@code provider:} value. */
    public sealed interface Provider {
        String configName();
    }

    /**
     * {@code provider: rfc2136}: dynamic updates (RFC 2136) signed with TSIG (RFC 8945).
     *
     * @param tsig the key the server accepts updates for the zone with
     */
    public record Rfc2136(Tsig tsig) implements Provider {
        public static final String NAME = "rfc2136";

        public Rfc2136 {
            Objects.requireNonNull(tsig, "tsig");
        }

        @Override
        public String configName() {
            return NAME;
        }
    }

    /**
     * {@code provider: acme-dns}: an acme-dns server's HTTP API. Without {@code account}, Gatehouse registers one
     * account per domain and keeps its credentials in storage.
     *
     * @param api       the API's base URL, e.g. {@code https://auth.acme-dns.io}
     * @param account   a registration made beforehand (used for every name), instead of registering
     * @param allowFrom address ranges the API accepts updates from, sent with a registration
     */
    public record AcmeDns(URI api, Optional<AcmeDnsAccount> account, List<Cidr> allowFrom) implements Provider {
        public static final String NAME = "acme-dns";

        public AcmeDns {
            Objects.requireNonNull(api, "api");
            Objects.requireNonNull(account, "account");
            allowFrom = List.copyOf(allowFrom);
        }

        @Override
        public String configName() {
            return NAME;
        }
    }

    /** acme-dns credentials as its {@code /register} returns them. */
    public record AcmeDnsAccount(String username, String password, String subdomain, String fulldomain) {
        @Override
        public String toString() {
            return "AcmeDnsAccount[username=" + username + ", password=<redacted>, subdomain=" + subdomain
                    + ", fulldomain=" + fulldomain + "]";
        }
    }

    /**
     * {@code provider: exec}: runs {@code command present|cleanup NAME VALUE} (also in the environment as
     * {@code GATEHOUSE_DNS_ACTION}, {@code _NAME}, {@code _VALUE}, {@code _ZONE}, {@code _DOMAIN}).
     *
     * @param command the program and its first arguments (a string is one program path, no shell)
     * @param timeout how long one run may take before it is killed (default {@link #DEFAULT_TIMEOUT})
     */
    public record Exec(List<String> command, Duration timeout) implements Provider {
        public static final String NAME = "exec";
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

        public Exec {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("command: empty (expected: a program to run)");
            }
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String configName() {
            return NAME;
        }
    }

    /**
     * A TSIG key (RFC 8945), as {@code tsig: { name, algorithm, secret }}.
     *
     * @param name      the key's name as the server knows it
     * @param algorithm HMAC algorithm (default hmac-sha256)
     * @param secret    the base64 key material
     */
    public record Tsig(String name, TsigAlgorithm algorithm, String secret) {
        public Tsig {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Tsig[name=" + name + ", algorithm=" + algorithm.configName() + ", secret=<redacted>]";
        }
    }

    /** The TSIG algorithms accepted: the SHA-2 HMACs. hmac-md5 and hmac-sha1 are refused (RFC 8945 §6). */
    public enum TsigAlgorithm {
        HMAC_SHA256("hmac-sha256"), HMAC_SHA384("hmac-sha384"), HMAC_SHA512("hmac-sha512");

        private final String configName;

        TsigAlgorithm(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /**
     * The check before the CA is asked to validate.
     *
     * @param nameservers servers that must all serve the TXT values; empty (default): every authoritative
     *                    nameserver of the zone (its NS records)
     * @param timeout     give up after this long (default {@link #DEFAULT_TIMEOUT})
     * @param interval    between checks; the first check is at once (default {@link #DEFAULT_INTERVAL})
     */
    public record Propagation(List<HostPort> nameservers, Duration timeout, Duration interval) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
        public static final Propagation DEFAULTS = new Propagation(List.of(), DEFAULT_TIMEOUT, DEFAULT_INTERVAL);

        public Propagation {
            nameservers = List.copyOf(nameservers);
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(interval, "interval");
        }
    }
}
