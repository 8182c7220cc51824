package dev.gatehouse.acme.dns;

import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Waits until every nameserver that a CA might ask serves every published TXT value: the zone's authoritative
 * servers (its NS records), or the ones {@code propagation.nameservers} names. The first check is at once, then
 * one every {@code interval} until {@code timeout}; there is no fixed wait. A server that does not answer counts
 * as not serving yet.
 */
final class PropagationCheck {
    private static final Logger log = LoggerFactory.getLogger(PropagationCheck.class);

    /** What one server must serve at one name. */
    private record Expectation(InetSocketAddress server, String zone, Name name, Set<String> values) {
    }

    private final DnsClient client;
    private final Zones zones;
    private final int nameserverPort;
    private final Sleeper sleeper;

    /** Pauses between rounds; tests may count the rounds. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** @param nameserverPort the port of the servers found in NS records (53; tests run theirs elsewhere) */
    PropagationCheck(DnsClient client, Zones zones, int nameserverPort, Sleeper sleeper) {
        this.client = client;
        this.zones = zones;
        this.nameserverPort = nameserverPort;
        this.sleeper = sleeper;
    }

    void await(List<TxtRecord> records, DnsSettings.Propagation settings) throws DnsException, InterruptedException {
        List<Expectation> pending = expectations(records, settings);
        int total = pending.size();
        long started = System.nanoTime();
        long deadline = started + settings.timeout().toNanos();
        Map<Expectation, String> lastAnswer = new LinkedHashMap<>();
        boolean announced = false;
        while (true) {
            List<Expectation> still = new ArrayList<>();
            for (Expectation e : pending) {
                Optional<String> missing = check(e);
                if (missing.isPresent()) {
                    still.add(e);
                    lastAnswer.put(e, missing.get());
                }
            }
            pending = still;
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            if (pending.isEmpty()) {
                log.info("dns zone={} TXT at {} served by all {} nameserver checks after {} ms", zonesOf(records),
                        namesOf(records), total, elapsedMs);
                return;
            }
            if (System.nanoTime() + settings.interval().toNanos() > deadline) {
                throw notPropagated(pending, lastAnswer, settings);
            }
            if (!announced) {
                log.info("dns zone={} waiting for {}: {} (checking every {}, up to {})", zonesOf(records),
                        servers(pending), lastAnswer.get(pending.get(0)), Durations.format(settings.interval()),
                        Durations.format(settings.timeout()));
                announced = true;
            }
            sleeper.sleep(settings.interval().toMillis());
        }
    }

    private List<Expectation> expectations(List<TxtRecord> records, DnsSettings.Propagation settings)
            throws DnsException, InterruptedException {
        Map<String, Set<String>> valuesByName = new LinkedHashMap<>();
        Map<String, String> zoneByName = new LinkedHashMap<>();
        for (TxtRecord r : records) {
            valuesByName.computeIfAbsent(r.name(), n -> new LinkedHashSet<>()).add(r.value());
            zoneByName.put(r.name(), r.zone());
        }
        Map<String, List<InetSocketAddress>> serversByZone = new LinkedHashMap<>();
        List<Expectation> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : valuesByName.entrySet()) {
            String zone = zoneByName.get(e.getKey());
            List<InetSocketAddress> servers = serversByZone.get(zone);
            if (servers == null) {
                servers = settings.nameservers().isEmpty()
                        ? zones.nameservers(Zones.name(zone), nameserverPort)
                        : addresses(settings, zone);
                serversByZone.put(zone, servers);
            }
            for (InetSocketAddress server : servers) {
                out.add(new Expectation(server, zone, Zones.name(e.getKey()), e.getValue()));
            }
        }
        return out;
    }

    private static List<InetSocketAddress> addresses(DnsSettings.Propagation settings, String zone) throws DnsException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (var server : settings.nameservers()) {
            out.add(DnsClient.address(server, DnsException.Step.PROPAGATION, Optional.of(zone)));
        }
        return out;
    }

    /** Empty when the server serves every expected value; else what it answered instead. */
    private Optional<String> check(Expectation e) throws InterruptedException {
        Message response;
        try {
            response = client.ask(e.server(), e.name(), Type.TXT, DnsException.Step.PROPAGATION, Optional.of(e.zone()));
        } catch (DnsException failed) {
            return Optional.of(failed.code().orElse("error") + " (" + failed.getMessage() + ")");
        }
        Set<String> served = new HashSet<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord txt && r.getName().equals(e.name())) {
                served.add(String.join("", txt.getStrings()));
            }
        }
        if (response.getRcode() == Rcode.NOERROR && served.containsAll(e.values())) {
            return Optional.empty();
        }
        long have = e.values().stream().filter(served::contains).count();
        return Optional.of(DnsClient.show(e.server()) + " answered " + ResponseCodes.code(response) + " with " + have
                + " of " + e.values().size() + " value(s)");
    }

    private static DnsException notPropagated(List<Expectation> pending, Map<Expectation, String> lastAnswer,
                                              DnsSettings.Propagation settings) {
        Expectation first = pending.get(0);
        List<String> answers = new ArrayList<>();
        for (Expectation e : pending) {
            answers.add(Zones.show(e.name()) + ": " + lastAnswer.get(e));
        }
        return new DnsException(DnsException.Step.PROPAGATION, Optional.of(first.zone()),
                Optional.of(servers(pending)), Optional.of("timeout"),
                "the TXT value(s) were not served by every nameserver within " + Durations.format(settings.timeout())
                + " (last answers: " + String.join("; ", answers) + "); is the zone transferred to its secondaries?"
                + " A longer acme.dns.propagation.timeout helps slow ones");
    }

    private static String servers(List<Expectation> expectations) {
        Set<String> out = new LinkedHashSet<>();
        expectations.forEach(e -> out.add(DnsClient.show(e.server())));
        return String.join(",", out);
    }

    private static String zonesOf(List<TxtRecord> records) {
        Set<String> out = new LinkedHashSet<>();
        records.forEach(r -> out.add(r.zone()));
        return String.join(",", out);
    }

    private static String namesOf(List<TxtRecord> records) {
        Set<String> out = new LinkedHashSet<>();
        records.forEach(r -> out.add(r.name()));
        return String.join(",", out);
    }
}
