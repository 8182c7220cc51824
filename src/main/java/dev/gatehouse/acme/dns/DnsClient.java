package dev.gatehouse.acme.dns;

import dev.gatehouse.config.HostPort;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends DNS messages and turns transport failures into {@link DnsException}s naming the server: queries to the
 * lookup resolver ({@code dns.nameserver}, else the system's), queries to one given server (an authoritative one),
 * and TSIG-signed updates over TCP. Blocking: call from the certificate executor, never an event loop.
 */
final class DnsClient {
    /** One query's wait; dnsjava retries UDP within it. Authoritative servers answer in milliseconds. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** An update may wait for the server to write its journal. */
    static final Duration UPDATE_TIMEOUT = Duration.ofSeconds(10);

    private final Optional<HostPort> nameserver;
    private volatile Resolver lookups;

    /** @param nameserver the server lookups are asked of; empty: the system resolvers (/etc/resolv.conf) */
    DnsClient(Optional<HostPort> nameserver) {
        this.nameserver = nameserver;
    }

    /** The lookup resolver as a log shows it: {@code 127.0.0.1:53} or {@code system resolver}. */
    String lookupServer() {
        return nameserver.map(DnsClient::show).orElse("system resolver");
    }

    /** Asks the lookup resolver (recursion desired). */
    Message lookup(Name name, int type, DnsException.Step step, Optional<String> zone)
            throws DnsException, InterruptedException {
        Message query = Message.newQuery(Record.newRecord(name, type, org.xbill.DNS.DClass.IN));
        return send(lookups(step, zone), query, QUERY_TIMEOUT, lookupServer(), step, zone);
    }

    /** Asks one server directly, e.g. an authoritative nameserver during the propagation check. */
    Message ask(InetSocketAddress server, Name name, int type, DnsException.Step step, Optional<String> zone)
            throws DnsException, InterruptedException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(QUERY_TIMEOUT);
        Message query = Message.newQuery(Record.newRecord(name, type, org.xbill.DNS.DClass.IN));
        return send(resolver, query, QUERY_TIMEOUT, show(server), step, zone);
    }

    /** Sends an update over TCP (no truncation, a refused connection shows at once), signed when a key is given. */
    Message update(InetSocketAddress server, Message update, Optional<TSIG> tsig, DnsException.Step step,
                   Optional<String> zone) throws DnsException, InterruptedException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(true);
        resolver.setTimeout(UPDATE_TIMEOUT);
        tsig.ifPresent(resolver::setTSIGKey);
        return send(resolver, update, UPDATE_TIMEOUT, show(server), step, zone);
    }

    /** An address of {@code host} (an IP literal or a name the system resolves), for {@code nameserver}. */
    static InetSocketAddress address(HostPort server, DnsException.Step step, Optional<String> zone) throws DnsException {
        try {
            return new InetSocketAddress(InetAddress.getByName(server.host()), server.port());
        } catch (UnknownHostException e) {
            throw new DnsException(step, zone, Optional.of(show(server)), Optional.empty(),
                    "cannot resolve the server's name " + server.host(), e);
        }
    }

    static String show(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    static String show(HostPort server) {
        return (server.host().contains(":") ? "[" + server.host() + "]" : server.host()) + ":" + server.port();
    }

    private Resolver lookups(DnsException.Step step, Optional<String> zone) throws DnsException {
        Resolver r = lookups;
        if (r == null) {
            if (nameserver.isPresent()) {
                SimpleResolver simple = new SimpleResolver(address(nameserver.get(), step, zone));
                simple.setTimeout(QUERY_TIMEOUT);
                r = simple;
            } else {
                List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
                ExtendedResolver extended = new ExtendedResolver(servers.stream()
                        .map(s -> (Resolver) new SimpleResolver(s)).toList());
                extended.setTimeout(QUERY_TIMEOUT);
                r = extended;
            }
            lookups = r;
        }
        return r;
    }

    private static Message send(Resolver resolver, Message message, Duration timeout, String server,
                                DnsException.Step step, Optional<String> zone) throws DnsException, InterruptedException {
        String asking = question(message);
        try {
            // A second more than the resolver's own timeout, so its timeout (with its retries) is the one seen.
            return resolver.sendAsync(message).toCompletableFuture()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                throw timeout(server, timeout, step, zone, asking, cause);
            }
            String what = cause instanceof ConnectException ? "connection refused (is the DNS server running?)"
                    : cause instanceof PortUnreachableException ? "port unreachable (is the DNS server running?)"
                    : cause instanceof IOException && cause.getMessage() != null ? cause.getMessage() : cause.toString();
            throw new DnsException(step, zone, Optional.of(server), Optional.empty(), asking + ": " + what, cause);
        } catch (TimeoutException e) {
            throw timeout(server, timeout, step, zone, asking, e);
        }
    }

    /** {@code update of example.com} or {@code asking TXT _acme-challenge.example.com}, for messages. */
    private static String question(Message message) {
        Record q = message.getQuestion();
        if (q == null) {
            return "sending";
        }
        return message.getHeader().getOpcode() == Opcode.UPDATE ? "update of zone " + Zones.show(q.getName())
                : "asking " + Type.string(q.getType()) + " " + Zones.show(q.getName());
    }

    private static DnsException timeout(String server, Duration timeout, DnsException.Step step, Optional<String> zone,
                                        String asking, Throwable cause) {
        return new DnsException(step, zone, Optional.of(server), Optional.of("timeout"), asking + ": no answer within "
                + timeout.toSeconds() + "s (is the server up and reachable on that port?)", cause);
    }
}
