package dev.gatehouse.acme.dns;

import dev.gatehouse.config.DnsSettings;

/** The provider for a {@code dns:} block: one case per {@code provider:} value. */
final class DnsProviders {
    private DnsProviders() {
    }

    static DnsProvider create(DnsSettings settings, DnsClient client, Zones zones, AcmeDnsAccounts accounts) {
        DnsSettings.Provider provider = settings.provider();
        if (provider instanceof DnsSettings.Rfc2136 rfc2136) {
            return new Rfc2136Provider(rfc2136, settings.nameserver(), client, zones);
        }
        if (provider instanceof DnsSettings.AcmeDns acmeDns) {
            return new AcmeDnsProvider(acmeDns, accounts);
        }
        return new ExecProvider((DnsSettings.Exec) provider);
    }
}
