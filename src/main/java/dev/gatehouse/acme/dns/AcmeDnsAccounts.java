package dev.gatehouse.acme.dns;

import dev.gatehouse.config.DnsSettings.AcmeDnsAccount;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where acme-dns registrations are kept, one per API and domain: registering again would make a new subdomain and
 * break the CNAME the user created for the old one. Gatehouse keeps them in its storage (secret: the password lets
 * anyone change the TXT value).
 */
public interface AcmeDnsAccounts {

    Optional<AcmeDnsAccount> load(URI api, String domain) throws IOException;

    void save(URI api, String domain, AcmeDnsAccount account) throws IOException;

    /** Kept in memory only, for tests and one-off tools. */
    static AcmeDnsAccounts inMemory() {
        Map<String, AcmeDnsAccount> accounts = new ConcurrentHashMap<>();
        return new AcmeDnsAccounts() {
            @Override
            public Optional<AcmeDnsAccount> load(URI api, String domain) {
                return Optional.ofNullable(accounts.get(api + " " + domain));
            }

            @Override
            public void save(URI api, String domain, AcmeDnsAccount account) {
                accounts.put(api + " " + domain, account);
            }
        };
    }
}
