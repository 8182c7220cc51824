package dev.gatehouse.explain;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.http.ClientAddresses;
import dev.gatehouse.routing.Router;
import dev.gatehouse.stages.Chains;
import dev.gatehouse.certificates.CertificateStatus;
import dev.gatehouse.upstream.UpstreamPool;

import java.util.Optional;

/**
 * A config compiled the way {@code run} compiles it, as {@code gatehouse explain} reads it: the running instance's
 * (live health, weights and certificates) or one compiled from a file without starting anything. The server provides
 * both, so explain walks the very router and chains requests take.
 */
public interface CompiledConfig {

    GatehouseConfig config();

    /** The router whose routes carry their compiled chains. */
    Router<Chains> router();

    /** What runs for a host no site serves. */
    Chains unknownHost();

    /** How the client's real address is found (X-Forwarded-For from trusted proxies). */
    ClientAddresses clients();

    /** A pool of the config, live or as the file defines it. */
    Optional<UpstreamPool> pool(String name);

    /** The plain-HTTP port (bound, or as configured from a file); -1 when off. */
    int httpPort();

    /** The HTTPS port (bound, or as configured from a file); -1 when off. */
    int httpsPort();

    /** What is known of the certificate for {@code name} (a site's name). Reads storage: blocking. */
    Optional<CertificateStatus> certificate(String name);

    /** Where this came from, for the report: the running instance, or the file. */
    String origin();

    /** Whether health, weights and certificates are the running instance's. */
    boolean live();
}
