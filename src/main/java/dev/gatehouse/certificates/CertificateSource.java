package dev.gatehouse.certificates;

import dev.gatehouse.config.Site;
import dev.gatehouse.config.SiteTls;

/** Where the certificate of one site comes from, decided once per config. */
enum CertificateSource {
    /** Issued by the local CA. */
    LOCAL,
    /** Obtained and renewed over ACME. */
    ACME,
    /** The user's own files. */
    FILES;

    static CertificateSource of(Site site) {
        SiteTls tls = site.tls();
        if (tls instanceof SiteTls.Files) {
            return FILES;
        }
        if (tls instanceof SiteTls.Internal) {
            return LOCAL;
        }
        if (tls instanceof SiteTls.Acme) {
            return ACME;
        }
        return LocalCa.covers(site.host()) ? LOCAL : ACME;
    }
}
