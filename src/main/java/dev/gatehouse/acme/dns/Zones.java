package dev.gatehouse.acme.dns;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Questions about where a name lives, asked of the lookup resolver: the CNAME chain on {@code _acme-challenge}, the
 * zone that holds a name (walking SOA records up from it), the zone's primary (SOA MNAME) and its nameservers (NS).
 */
final class Zones {
    /** Longer chains are misconfigurations (or loops); resolvers stop at about this many too. */
    static final int MAX_CNAME_HOPS = 8;

    private final DnsClient client;

    Zones(DnsClient client) {
        this.client = client;
    }

    /**
     * Where {@code name} points after its CNAMEs (delegated validation: {@code _acme-challenge.example.com CNAME
     * x.validation.example.net} is validated, and so updated, at {@code x.validation.example.net}).
     */
    Name followCnames(Name name) throws DnsException, InterruptedException {
        Name current = name;
        Set<Name> seen = new LinkedHashSet<>();
        while (seen.add(current)) {
            if (seen.size() > MAX_CNAME_HOPS) {
                break;
            }
            Message response = client.lookup(current, Type.CNAME, DnsException.Step.CNAME, Optional.empty());
            if (response.getRcode() == Rcode.SERVFAIL) {
                throw new DnsException(DnsException.Step.CNAME, Optional.empty(), Optional.of(client.lookupServer()),
                        Optional.of("SERVFAIL"), "looking up the CNAME of " + Zones.show(current) + " failed");
            }
            Optional<Name> target = cname(response, current);
            if (target.isEmpty()) {
                return current;
            }
            current = target.get();
        }
        throw new DnsException(DnsException.Step.CNAME, Optional.empty(), Optional.of(client.lookupServer()),
                Optional.empty(), "CNAME chain from " + Zones.show(name) + " is a loop or longer than "
                + MAX_CNAME_HOPS + ": " + seen.stream().map(Zones::show).toList());
    }

    private static Optional<Name> cname(Message response, Name owner) {
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof CNAMERecord c && c.getName().equals(owner)) {
                return Optional.of(c.getTarget());
            }
        }
        return Optional.empty();
    }

    /**
     * The zone that holds {@code name}: the closest enclosing name with an SOA record. Each step up asks for the SOA
     * of the name; an answer's authority section (NXDOMAIN or no data) names the zone at once. Servers that are not
     * authoritative for a name (REFUSED from an authoritative-only {@code nameserver}) make the walk go on upwards.
     */
    Name zoneOf(Name name) throws DnsException, InterruptedException {
        String last = "no answer";
        for (Name candidate = name; candidate.labels() > 1; candidate = parent(candidate)) {
            Message response = client.lookup(candidate, Type.SOA, DnsException.Step.ZONE, Optional.empty());
            int rcode = response.getRcode();
            if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                for (Record r : response.getSection(Section.ANSWER)) {
                    if (r instanceof SOARecord && r.getName().equals(candidate)) {
                        return candidate;
                    }
                }
                for (Record r : response.getSection(Section.AUTHORITY)) {
                    if (r instanceof SOARecord && candidate.subdomain(r.getName()) && r.getName().labels() > 1) {
                        return r.getName();
                    }
                }
            }
            last = ResponseCodes.code(response) + " for " + Zones.show(candidate);
        }
        throw new DnsException(DnsException.Step.ZONE, Optional.empty(), Optional.of(client.lookupServer()),
                Optional.empty(), "no zone found for " + Zones.show(name) + ": no SOA record at it or above"
                + " (last answer: " + last + "); set acme.dns.zone, or nameserver to a server that knows the zone");
    }

    /** The zone's primary nameserver (SOA MNAME, RFC 2136 §4), where updates go when no nameserver is given. */
    Name primary(Name zone) throws DnsException, InterruptedException {
        Message response = client.lookup(zone, Type.SOA, DnsException.Step.ZONE, Optional.of(show(zone)));
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof SOARecord soa && r.getName().equals(zone)) {
                return soa.getHost();
            }
        }
        throw new DnsException(DnsException.Step.ZONE, Optional.of(show(zone)), Optional.of(client.lookupServer()),
                Optional.of(ResponseCodes.code(response)), "no SOA record for the zone, so no primary to update"
                + " (set acme.dns.nameserver)");
    }

    /** The zone's authoritative nameservers (NS), one address each (IPv4 preferred) on {@code port}. */
    List<InetSocketAddress> nameservers(Name zone, int port) throws DnsException, InterruptedException {
        Message response = client.lookup(zone, Type.NS, DnsException.Step.ZONE, Optional.of(show(zone)));
        List<InetSocketAddress> out = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof NSRecord ns && r.getName().equals(zone)) {
                out.add(new InetSocketAddress(address(ns.getTarget(), zone), port));
            }
        }
        if (out.isEmpty()) {
            throw new DnsException(DnsException.Step.ZONE, Optional.of(show(zone)), Optional.of(client.lookupServer()),
                    Optional.of(ResponseCodes.code(response)), "no NS records for the zone, so no nameserver to check"
                    + " (set acme.dns.propagation.nameservers)");
        }
        return out;
    }

    /** An address of {@code host}: A first, then AAAA. */
    InetAddress address(Name host, Name zone) throws DnsException, InterruptedException {
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Message response = client.lookup(host, type, DnsException.Step.ZONE, Optional.of(show(zone)));
            for (Record r : response.getSection(Section.ANSWER)) {
                if (r instanceof ARecord a) {
                    return a.getAddress();
                }
                if (r instanceof AAAARecord aaaa) {
                    return aaaa.getAddress();
                }
            }
        }
        throw new DnsException(DnsException.Step.ZONE, Optional.of(show(zone)), Optional.of(client.lookupServer()),
                Optional.empty(), "nameserver " + Zones.show(host) + " has no A or AAAA record");
    }

    static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a DNS name: " + e.getMessage(), e);
        }
    }

    /** A name as messages show it: lower case, without the trailing dot. */
    static String show(Name name) {
        String s = name.toString(true).toLowerCase(java.util.Locale.ROOT);
        return s.isEmpty() ? "." : s;
    }

    private static Name parent(Name name) {
        return new Name(name, 1);
    }
}
