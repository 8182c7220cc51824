package dev.gatehouse.acme.dns;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A DNS-01 step that failed, with what the log line needs: the zone, the server asked, the step, and the DNS
 * response code (or {@code timeout}) with what it usually means, e.g.
 * {@code dns zone=example.com server=127.0.0.1:53 step=present: NOTAUTH, TSIG BADSIG (...)}.
 */
public final class DnsException extends Exception {

    /** Where in publishing a TXT value the failure happened. */
    public enum Step {
        /** following a CNAME on {@code _acme-challenge} */
        CNAME,
        /** finding the zone (SOA walk), its primary or its nameservers */
        ZONE,
        /** registering with a provider (acme-dns) */
        REGISTER,
        /** writing the TXT value */
        PRESENT,
        /** waiting until every nameserver serves the value */
        PROPAGATION,
        /** removing the TXT value */
        CLEANUP;

        String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Step step;
    private final Optional<String> zone;
    private final Optional<String> server;
    private final Optional<String> code;

    /**
     * @param zone   the zone involved, when known (without the trailing dot)
     * @param server the server asked ({@code host:port}), or the provider's endpoint
     * @param code   the DNS response code ({@code REFUSED}, {@code NOTAUTH, TSIG BADSIG}) or {@code timeout}
     * @param detail what it means and what to check
     */
    public DnsException(Step step, Optional<String> zone, Optional<String> server, Optional<String> code, String detail,
                        Throwable cause) {
        super(describe(step, zone, server, code, detail), cause);
        this.step = Objects.requireNonNull(step, "step");
        this.zone = zone;
        this.server = server;
        this.code = code;
    }

    public DnsException(Step step, Optional<String> zone, Optional<String> server, Optional<String> code, String detail) {
        this(step, zone, server, code, detail, null);
    }

    public Step step() {
        return step;
    }

    public Optional<String> zone() {
        return zone;
    }

    public Optional<String> server() {
        return server;
    }

    /** The DNS response code or {@code timeout}, when the failure had one. */
    public Optional<String> code() {
        return code;
    }

    private static String describe(Step step, Optional<String> zone, Optional<String> server, Optional<String> code,
                                   String detail) {
        StringBuilder s = new StringBuilder("dns");
        zone.ifPresent(z -> s.append(" zone=").append(z));
        server.ifPresent(v -> s.append(" server=").append(v));
        s.append(" step=").append(step.configName()).append(": ");
        code.ifPresent(c -> s.append(c).append(": "));
        return s.append(detail).toString();
    }
}
