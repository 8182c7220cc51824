package dev.gatehouse.acme.dns;

import dev.gatehouse.config.DnsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Publishes the TXT values of one order's DNS-01 challenges and takes them down again:
 * for each value, follow the CNAMEs on {@code _acme-challenge}, find the zone, have the provider add the value;
 * then wait until the nameservers serve them all; finally remove exactly the values published here, also when
 * anything failed. A wildcard and its apex publish two values at one name, side by side.
 *
 * <pre>{@code
 * try (DnsChallenges.Published published = challenges.publish(settings, wanted)) {
 *     published.awaitPropagation();
 *     // tell the CA to validate, wait for it
 * } // every value published is removed here
 * }</pre>
 *
 * Blocking (DNS round trips, HTTP, processes, sleeps between propagation checks): run it on the certificate
 * executor, never an event loop. Thread-safe.
 */
public final class DnsChallenges {
    private static final Logger log = LoggerFactory.getLogger(DnsChallenges.class);

    /**
     * One TXT value an order needs.
     *
     * @param domain the name validated, without {@code *.}
     * @param name   {@code _acme-challenge.<domain>}
     * @param value  the digest to publish
     */
    public record Wanted(String domain, String name, String value) {
        public Wanted {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    private final AcmeDnsAccounts accounts;
    private final int nameserverPort;

    /** @param accounts where acme-dns registrations are kept (Gatehouse's storage) */
    public DnsChallenges(AcmeDnsAccounts accounts) {
        this(accounts, DnsSettings.DNS_PORT);
    }

    /** @param nameserverPort the port nameservers found in NS and SOA records listen on (tests use others than 53) */
    DnsChallenges(AcmeDnsAccounts accounts, int nameserverPort) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.nameserverPort = nameserverPort;
    }

    /**
     * Publishes every wanted value with the provider of {@code settings}. When one fails, the ones already published
     * are removed before the exception leaves.
     */
    public Published publish(DnsSettings settings, List<Wanted> wanted) throws DnsException, InterruptedException {
        DnsClient client = new DnsClient(settings.nameserver());
        Zones zones = new Zones(client);
        DnsProvider provider = DnsProviders.create(settings, client, zones, accounts);
        Published published = new Published(settings, provider, new PropagationCheck(client, zones, nameserverPort,
                Thread::sleep));
        try {
            Map<String, TxtRecord> located = new HashMap<>(); // a wildcard and its apex share one name: look it up once
            for (Wanted w : wanted) {
                TxtRecord where = located.get(w.name());
                if (where == null) {
                    where = locate(settings, provider, zones, w);
                    located.put(w.name(), where);
                }
                published.add(new TxtRecord(w.domain(), where.name(), where.zone(), w.value()));
            }
            return published;
        } catch (DnsException | InterruptedException | RuntimeException e) {
            published.close();
            throw e;
        }
    }

    /** Where the value goes: the CNAME target of {@code _acme-challenge} (if any) and its zone. */
    private static TxtRecord locate(DnsSettings settings, DnsProvider provider, Zones zones, Wanted w)
            throws DnsException, InterruptedException {
        Name challenge = Zones.name(w.name());
        Name resolved = zones.followCnames(challenge);
        if (!resolved.equals(challenge)) {
            log.info("dns name={} is a CNAME to {}: updating there", Zones.show(challenge), Zones.show(resolved));
        }
        String target = provider.target(w.domain(), Zones.show(challenge), Zones.show(resolved));
        // An explicit zone holds the challenge name; after a CNAME to elsewhere, the walk finds the target's zone.
        Optional<String> explicit = settings.zone().filter(z -> Zones.name(target).subdomain(Zones.name(z)));
        String zone = explicit.isPresent() ? explicit.get() : Zones.show(zones.zoneOf(Zones.name(target)));
        return new TxtRecord(w.domain(), target, zone, w.value());
    }

    /** The values one order published; closing removes them (errors are logged, never thrown). */
    public static final class Published implements AutoCloseable {
        private final DnsSettings settings;
        private final DnsProvider provider;
        private final PropagationCheck propagation;
        private final List<TxtRecord> records = new ArrayList<>();

        private Published(DnsSettings settings, DnsProvider provider, PropagationCheck propagation) {
            this.settings = settings;
            this.provider = provider;
            this.propagation = propagation;
        }

        private void add(TxtRecord record) throws DnsException, InterruptedException {
            provider.present(record);
            records.add(record);
        }

        /** The values published, in order. */
        public List<TxtRecord> records() {
            return List.copyOf(records);
        }

        /** Returns once every nameserver serves every value; throws when {@code propagation.timeout} passes first. */
        public void awaitPropagation() throws DnsException, InterruptedException {
            if (!records.isEmpty()) {
                propagation.await(records, settings.propagation());
            }
        }

        @Override
        public void close() {
            boolean interrupted = Thread.interrupted(); // cleanup must run even when the order was interrupted
            for (TxtRecord record : records) {
                try {
                    provider.cleanup(record);
                } catch (DnsException e) {
                    log.warn("{} (the TXT value {} at {} stays; remove it by hand if it does not go away)",
                            e.getMessage(), record.value(), record.name());
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (RuntimeException e) {
                    log.warn("dns zone={} step=cleanup: {}", record.zone(), e.toString());
                }
            }
            records.clear();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
