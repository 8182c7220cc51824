package dev.gatehouse.explain;

import dev.gatehouse.config.Site;
import dev.gatehouse.routing.Router;
import dev.gatehouse.certificates.CertificateStatus;

import java.util.Optional;

/** The certificate an HTTPS client gets for a host, as {@code gatehouse explain} reports it. */
final class Certificates {
    private Certificates() {
    }

    /** Empty when no site serves the host (the handshake fails); else the site's certificate, possibly none yet. */
    static Optional<Explanation.Certificate> of(CompiledConfig compiled, Optional<Site> site,
                                               Optional<Router.SiteBy> by, String host, boolean secure) {
        if (site.isEmpty() || compiled.httpsPort() < 0) {
            return Optional.empty();
        }
        String name = site.get().host();
        String note = by.orElseThrow() == Router.SiteBy.DEFAULT_SITE
                ? "the default site's certificate, which does not name " + host + ": clients will refuse it" : "";
        Optional<CertificateStatus> status = compiled.certificate(name);
        if (status.isEmpty() || status.get().source().equals(CertificateStatus.NONE)) {
            String why = secure ? "none yet: it is obtained when Gatehouse runs" : "none yet";
            return Optional.of(new Explanation.Certificate(name, CertificateStatus.NONE, Optional.empty(),
                    Optional.empty(), status.flatMap(CertificateStatus::lastError), note.isEmpty() ? why : note));
        }
        CertificateStatus s = status.get();
        return Optional.of(new Explanation.Certificate(name, s.source(), s.issuer(), s.notAfter(), s.lastError(),
                note));
    }
}
