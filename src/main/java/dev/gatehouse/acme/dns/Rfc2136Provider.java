package dev.gatehouse.acme.dns;

import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Update;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code provider: rfc2136}: DNS UPDATE messages (RFC 2136) signed with TSIG (RFC 8945), sent over TCP to
 * {@code nameserver} when given, else to the zone's primary (its SOA MNAME, port 53). Present adds one TXT record;
 * cleanup deletes that exact record (RFC 2136 §2.5.4, class NONE), so other TXT values at the name stay.
 */
final class Rfc2136Provider implements DnsProvider {
    private static final Logger log = LoggerFactory.getLogger(Rfc2136Provider.class);
    /** Short, so that a resolver that cached a stale answer asks again soon. */
    static final long TTL_SECONDS = 60;

    private final DnsSettings.Tsig key;
    private final TSIG tsig;
    private final Optional<HostPort> nameserver;
    private final DnsClient client;
    private final Zones zones;
    private final Map<String, InetSocketAddress> primaries = new ConcurrentHashMap<>();

    Rfc2136Provider(DnsSettings.Rfc2136 settings, Optional<HostPort> nameserver, DnsClient client, Zones zones) {
        this.key = settings.tsig();
        this.tsig = new TSIG(algorithm(key.algorithm()), Zones.name(key.name()), key.secret());
        this.nameserver = nameserver;
        this.client = client;
        this.zones = zones;
    }

    static Name algorithm(DnsSettings.TsigAlgorithm algorithm) {
        return switch (algorithm) {
            case HMAC_SHA256 -> TSIG.HMAC_SHA256;
            case HMAC_SHA384 -> TSIG.HMAC_SHA384;
            case HMAC_SHA512 -> TSIG.HMAC_SHA512;
        };
    }

    @Override
    public void present(TxtRecord record) throws DnsException, InterruptedException {
        Update update = new Update(Zones.name(record.zone()));
        update.add(new TXTRecord(Zones.name(record.name()), DClass.IN, TTL_SECONDS, record.value()));
        send(record, update, DnsException.Step.PRESENT, "added");
    }

    @Override
    public void cleanup(TxtRecord record) throws DnsException, InterruptedException {
        Update update = new Update(Zones.name(record.zone()));
        update.delete(new TXTRecord(Zones.name(record.name()), DClass.IN, 0, record.value()));
        send(record, update, DnsException.Step.CLEANUP, "removed");
    }

    private void send(TxtRecord record, Update update, DnsException.Step step, String done)
            throws DnsException, InterruptedException {
        InetSocketAddress server = server(record.zone(), step);
        Optional<String> zone = Optional.of(record.zone());
        Message response = client.update(server, update, Optional.of(tsig), step, zone);
        if (response.getRcode() != Rcode.NOERROR) {
            throw new DnsException(step, zone, Optional.of(DnsClient.show(server)),
                    Optional.of(ResponseCodes.code(response)), ResponseCodes.updateRefused(response, key.name()));
        }
        if (response.isSigned() && !response.isVerified()) {
            throw new DnsException(step, zone, Optional.of(DnsClient.show(server)), Optional.of("NOERROR"),
                    "the answer's TSIG signature does not verify with key " + key.name() + "; not trusting it");
        }
        log.info("dns zone={} server={} TXT {} at {} {}", record.zone(), DnsClient.show(server), record.value(),
                record.name(), done);
    }

    /** {@code nameserver}, else the zone's primary; looked up once per zone. */
    private InetSocketAddress server(String zone, DnsException.Step step) throws DnsException, InterruptedException {
        if (nameserver.isPresent()) {
            return DnsClient.address(nameserver.get(), step, Optional.of(zone));
        }
        InetSocketAddress known = primaries.get(zone);
        if (known == null) {
            Name zoneName = Zones.name(zone);
            known = new InetSocketAddress(zones.address(zones.primary(zoneName), zoneName), DnsSettings.DNS_PORT);
            primaries.put(zone, known);
        }
        return known;
    }
}
