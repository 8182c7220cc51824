package dev.gatehouse.acme.dns;

import java.util.Locale;
import java.util.Objects;

/**
 * One TXT value to publish for one DNS-01 challenge (RFC 8555 §8.4). Names are lower case, without the trailing dot.
 *
 * @param domain the name being validated ({@code example.com} for both {@code example.com} and {@code *.example.com})
 * @param name   where the TXT value goes: {@code _acme-challenge.<domain>}, or where its CNAME points
 * @param zone   the zone that holds {@code name}
 * @param value  the challenge digest (base64url of SHA-256 of the key authorization)
 */
public record TxtRecord(String domain, String name, String zone, String value) {
    public TxtRecord {
        domain = normal(domain, "domain");
        name = normal(name, "name");
        zone = normal(zone, "zone");
        Objects.requireNonNull(value, "value");
    }

    private static String normal(String name, String what) {
        String n = Objects.requireNonNull(name, what).toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
