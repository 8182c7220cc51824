package dev.gatehouse.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole running configuration: an immutable value built once by {@link ConfigLoader}, validated,
 * then swapped in whole. Nothing else reads the config file.
 *
 * @param source      the file this was loaded from (for messages and for resolving relative paths)
 * @param listen      listener ports and bind address
 * @param email       ACME account contact, when given
 * @param sites       sites keyed by host name (exact or {@code *.} wildcard), in file order
 * @param defaultSite host name of the site that answers requests for unknown hosts, when set
 * @param upstreams   upstream pools keyed by name, in file order
 * @param timeouts    client- and upstream-side timeouts
 * @param limits      request size limits
 * @param http2       HTTP/2 settings and protections for client connections
 * @param trustedProxies peers whose X-Forwarded-* headers are kept and extended; others' are replaced
 * @param accessLog   access log format
 * @param acme        ACME settings for automatic HTTPS
 * @param storage     directory for certificates, keys and ACME accounts (default {@code data} beside the config)
 * @param admin       the admin listener, when {@code admin:} is given (off by default)
 * @param notifications where certificate alerts go ({@code notify: { webhook: URL }}), none by default
 * @param cache       where the response cache keeps stored responses (used by sites and routes with {@code cache})
 * @param cluster     several nodes sharing state through Redis, when {@code cluster:} is given (off by default)
 */
public record GatehouseConfig(
        Path source,
        Listen listen,
        Optional<String> email,
        Map<String, Site> sites,
        Optional<String> defaultSite,
        Map<String, Upstream> upstreams,
        Timeouts timeouts,
        Limits limits,
        Http2 http2,
        List<Cidr> trustedProxies,
        AccessLog accessLog,
        AcmeSettings acme,
        Path storage,
        Optional<Admin> admin,
        Notify notifications,
        CacheStorage cache,
        Optional<Cluster> cluster) {

    public GatehouseConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(email, "email");
        sites = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(sites, "sites")));
        Objects.requireNonNull(defaultSite, "defaultSite");
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(upstreams, "upstreams")));
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(http2, "http2");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(acme, "acme");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** Default storage directory name, beside the config file. */
    public static final String DEFAULT_STORAGE = "data";

    /** Directory that relative paths in the config are resolved against. */
    public Path baseDir() {
        Path parent = source.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
