package dev.gatehouse.acme.dns;

/**
 * Publishes and withdraws DNS-01 TXT values in one DNS service. A provider is one class: implement this, add its
 * settings to {@code DnsSettings} and its case to {@link DnsProviders}. Calls come from the certificate executor
 * (blocking is fine, an event loop is never involved) and may come from several orders at once.
 */
public interface DnsProvider {

    /**
     * Where the TXT value for {@code domain} must be written, once the CNAMEs on {@code _acme-challenge} have been
     * followed to {@code resolved}. Most providers write where the name points; one that owns the target (acme-dns)
     * checks that the CNAME points to it and says how to create it when it does not.
     */
    default String target(String domain, String challengeName, String resolved)
            throws DnsException, InterruptedException {
        return resolved;
    }

    /** Adds {@code record.value()} at {@code record.name()}, keeping every other TXT value there. */
    void present(TxtRecord record) throws DnsException, InterruptedException;

    /** Removes exactly {@code record.value()} at {@code record.name()}; other TXT values there stay. */
    void cleanup(TxtRecord record) throws DnsException, InterruptedException;
}
