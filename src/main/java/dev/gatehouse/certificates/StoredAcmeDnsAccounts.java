package dev.gatehouse.certificates;

import dev.gatehouse.acme.dns.AcmeDnsAccounts;
import dev.gatehouse.config.DnsSettings.AcmeDnsAccount;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.Storage;
import org.shredzone.acme4j.toolbox.JSON;
import org.shredzone.acme4j.toolbox.JSONBuilder;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * acme-dns registrations in storage, one JSON value per API host and domain:
 * {@code dns/acme-dns/<host[_port]>/<domain>.json}, SECRET (the password lets anyone change the TXT value),
 * replaced atomically.
 */
public final class StoredAcmeDnsAccounts implements AcmeDnsAccounts {
    private final CertificateStore storage;

    public StoredAcmeDnsAccounts(CertificateStore storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    @Override
    public Optional<AcmeDnsAccount> load(URI api, String domain) throws IOException {
        String key = key(api, domain);
        Optional<byte[]> value = storage.storage().get(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            JSON json = JSON.parse(new String(value.get(), StandardCharsets.UTF_8));
            return Optional.of(new AcmeDnsAccount(json.get("username").asString(), json.get("password").asString(),
                    json.get("subdomain").asString(), json.get("fulldomain").asString()));
        } catch (RuntimeException e) {
            throw new IOException(storage.describe() + "/" + key + ": not an acme-dns registration ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public void save(URI api, String domain, AcmeDnsAccount account) throws IOException {
        String json = new JSONBuilder().put("username", account.username()).put("password", account.password())
                .put("subdomain", account.subdomain()).put("fulldomain", account.fulldomain()).toString();
        storage.storage().put(key(api, domain), (json + "\n").getBytes(StandardCharsets.UTF_8),
                Storage.Visibility.SECRET);
    }

    private static String key(URI api, String domain) {
        String host = Objects.requireNonNull(api.getHost(), () -> "acme-dns API URL without host: " + api);
        String dir = api.getPort() < 0 ? host : host + "_" + api.getPort();
        return "dns/acme-dns/" + CertificateStore.fileName(dir) + "/" + CertificateStore.fileName(domain) + ".json";
    }
}
