package dev.gatehouse.acme.dns;

import dev.gatehouse.config.Cidr;
import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.DnsSettings.AcmeDnsAccount;
import org.shredzone.acme4j.toolbox.JSON;
import org.shredzone.acme4j.toolbox.JSONBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code provider: acme-dns}: the HTTP API of an acme-dns server, a small DNS server that serves nothing but
 * {@code _acme-challenge} TXT values. Each domain is registered once ({@code POST /register}; the credentials are kept
 * in storage) and the user adds one CNAME, {@code _acme-challenge.<domain>} to the registration's {@code fulldomain};
 * each challenge is then one {@code POST /update}. acme-dns keeps the two latest values of a subdomain (a wildcard
 * and its apex) and has no delete: cleanup leaves them to be replaced by the next update.
 */
final class AcmeDnsProvider implements DnsProvider {
    private static final Logger log = LoggerFactory.getLogger(AcmeDnsProvider.class);
    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    private final DnsSettings.AcmeDns settings;
    private final AcmeDnsAccounts accounts;
    private final HttpClient http;

    AcmeDnsProvider(DnsSettings.AcmeDns settings, AcmeDnsAccounts accounts) {
        this.settings = settings;
        this.accounts = accounts;
        this.http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The registration's {@code fulldomain}, once {@code _acme-challenge} points there. */
    @Override
    public String target(String domain, String challengeName, String resolved) throws DnsException, InterruptedException {
        AcmeDnsAccount account = account(domain);
        String fulldomain = Zones.show(Zones.name(account.fulldomain()));
        if (!resolved.equals(fulldomain)) {
            throw new DnsException(DnsException.Step.CNAME, Optional.empty(), Optional.of(settings.api().toString()),
                    Optional.empty(), challengeName + (resolved.equals(challengeName) ? " has no CNAME" : " points to "
                    + resolved) + "; acme-dns needs this record in your DNS: " + cname(challengeName, fulldomain)
                    + " (Gatehouse retries by itself once it is there)");
        }
        return fulldomain;
    }

    @Override
    public void present(TxtRecord record) throws DnsException, InterruptedException {
        AcmeDnsAccount account = account(record.domain());
        String body = new JSONBuilder().put("subdomain", account.subdomain()).put("txt", record.value()).toString();
        HttpRequest request = HttpRequest.newBuilder(endpoint("update")).timeout(HTTP_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-Api-User", account.username())
                .header("X-Api-Key", account.password())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = send(request, DnsException.Step.PRESENT, record.zone());
        if (response.statusCode() != 200) {
            throw httpFailure(DnsException.Step.PRESENT, Optional.of(record.zone()), response,
                    response.statusCode() == 401 ? "the API refused the credentials for " + record.domain()
                            + (settings.account().isPresent() ? " (check acme.dns.account)"
                            : " (was the acme-dns database reset? delete its registration in storage, dns/acme-dns/,"
                            + " to register again)") : "the update was refused");
        }
        log.info("dns zone={} server={} TXT {} at {} updated", record.zone(), settings.api(), record.value(), record.name());
    }

    @Override
    public void cleanup(TxtRecord record) {
        log.debug("dns zone={} acme-dns has no delete; TXT {} at {} is replaced by the next update", record.zone(),
                record.value(), record.name());
    }

    /** The given account, else the stored registration for {@code domain}, else a new one. */
    private AcmeDnsAccount account(String domain) throws DnsException, InterruptedException {
        if (settings.account().isPresent()) {
            return settings.account().get();
        }
        synchronized (accounts) { // one registration per domain, also when two orders for it start together
            try {
                Optional<AcmeDnsAccount> stored = accounts.load(settings.api(), domain);
                if (stored.isPresent()) {
                    return stored.get();
                }
                AcmeDnsAccount registered = register(domain);
                accounts.save(settings.api(), domain, registered);
                log.warn("dns acme-dns api={} registered {}: add this record to your DNS once: {}", settings.api(),
                        domain, cname("_acme-challenge." + domain, registered.fulldomain()));
                return registered;
            } catch (IOException e) {
                throw new DnsException(DnsException.Step.REGISTER, Optional.empty(), Optional.of(settings.api().toString()),
                        Optional.empty(), "acme-dns registration of " + domain + " cannot be read or stored: "
                        + e.getMessage(), e);
            }
        }
    }

    private AcmeDnsAccount register(String domain) throws DnsException, InterruptedException {
        JSONBuilder body = new JSONBuilder();
        if (!settings.allowFrom().isEmpty()) {
            body.array("allowfrom", settings.allowFrom().stream().map(Cidr::toString).toList());
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint("register")).timeout(HTTP_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response = send(request, DnsException.Step.REGISTER, domain);
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw httpFailure(DnsException.Step.REGISTER, Optional.empty(), response, "registering " + domain
                    + " was refused");
        }
        try {
            JSON json = JSON.parse(response.body());
            return new AcmeDnsAccount(json.get("username").asString(), json.get("password").asString(),
                    json.get("subdomain").asString(), json.get("fulldomain").asString());
        } catch (RuntimeException e) {
            throw new DnsException(DnsException.Step.REGISTER, Optional.empty(), Optional.of(settings.api().toString()),
                    Optional.empty(), "the registration answer is not what acme-dns sends (expected: JSON with "
                    + "username, password, subdomain, fulldomain): " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> send(HttpRequest request, DnsException.Step step, String about)
            throws DnsException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DnsException(step, Optional.empty(), Optional.of(settings.api().toString()), Optional.empty(),
                    "acme-dns API unreachable for " + about + ": " + e, e);
        }
    }

    private DnsException httpFailure(DnsException.Step step, Optional<String> zone, HttpResponse<String> response,
                                     String what) {
        String body = response.body() == null ? "" : response.body().strip();
        return new DnsException(step, zone, Optional.of(settings.api().toString()),
                Optional.of("HTTP " + response.statusCode()), what + (body.isEmpty() ? ""
                : " (" + (body.length() > 200 ? body.substring(0, 200) + "..." : body) + ")"));
    }

    private URI endpoint(String path) {
        String base = settings.api().toString();
        return URI.create(base.endsWith("/") ? base + path : base + "/" + path);
    }

    private static String cname(String challengeName, String fulldomain) {
        return challengeName + ". CNAME " + fulldomain + ".";
    }
}
