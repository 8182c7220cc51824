package dev.gatehouse.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What changed between the running config and a new one, as a reload applies it: listeners to rebind, sites and
 * pools added, changed and removed, pool targets added, re-weighted and removed, and the settings that only new
 * connections and requests see. Also what cannot change while running ({@link #refusals()}): a reload with any of
 * those is refused whole, so that the config serving is always exactly one file's.
 */
public final class ConfigDiff {
    private final GatehouseConfig before;
    private final GatehouseConfig after;
    private final List<String> changes = new ArrayList<>();
    private final List<String> refusals = new ArrayList<>();
    private final List<Site> addedSites = new ArrayList<>();
    private final List<Site> changedSites = new ArrayList<>();
    private final List<String> removedSites = new ArrayList<>();
    private final List<Upstream> addedPools = new ArrayList<>();
    private final List<PoolChange> changedPools = new ArrayList<>();
    private final List<String> removedPools = new ArrayList<>();

    /**
     * How one pool kept by a reload changes. Targets are matched by address.
     *
     * @param after           the pool as the new file writes it
     * @param addedTargets    targets new in the file
     * @param retunedTargets  targets in both files whose weight or {@code max_requests} changed (new values)
     * @param removedTargets  addresses of targets gone from the file: they drain
     * @param settingsChanged anything besides the targets changed (policy, health, passive, retries, queue...)
     * @param healthChanged   the active health check, or the protocol or TLS it speaks, changed (its checker
     *                        restarts with the new settings)
     */
    public record PoolChange(Upstream after, List<Target> addedTargets, List<Target> retunedTargets,
                             List<String> removedTargets, boolean settingsChanged, boolean healthChanged) {
        public PoolChange {
            Objects.requireNonNull(after, "after");
            addedTargets = List.copyOf(addedTargets);
            retunedTargets = List.copyOf(retunedTargets);
            removedTargets = List.copyOf(removedTargets);
        }

        public String name() {
            return after.name();
        }
    }

    private ConfigDiff(GatehouseConfig before, GatehouseConfig after) {
        this.before = before;
        this.after = after;
    }

    /** What a reload from {@code before} to {@code after} has to do. */
    public static ConfigDiff between(GatehouseConfig before, GatehouseConfig after) {
        ConfigDiff d = new ConfigDiff(Objects.requireNonNull(before, "before"), Objects.requireNonNull(after, "after"));
        d.checkLive();
        d.compareListeners();
        d.compareSites();
        d.compareUpstreams();
        d.compareSettings();
        return d;
    }

    // ---- what cannot change live

    private void checkLive() {
        if (!before.storage().equals(after.storage())) {
            refusals.add("storage: changed from " + before.storage() + " to " + after.storage()
                    + " (cannot be applied live: certificates, keys, locks and the ACME account live there;"
                    + " restart to use the new directory)");
        }
        if (!before.acme().equals(after.acme()) || !before.email().equals(after.email())) {
            refusals.add("acme:/email: changed (cannot be applied live: the ACME account and client are set up"
                    + " at start; restart to apply)");
        }
        if (!before.admin().equals(after.admin())) {
            refusals.add("admin: changed from " + describeAdmin(before) + " to " + describeAdmin(after)
                    + " (cannot be applied live; restart to apply)");
        }
        if (!before.cache().equals(after.cache())) {
            refusals.add("cache: changed (cannot be applied live: the memory and disk tiers are set up at start;"
                    + " restart to apply; a site's or route's cache settings apply live)");
        }
        if (before.listen().https().isPresent() != after.listen().https().isPresent()) {
            refusals.add("listen.https: turned " + (after.listen().https().isPresent() ? "on" : "off")
                    + " (cannot be applied live: HTTPS and its certificates are set up at start; restart to apply;"
                    + " changing the port is fine)");
        }
    }

    private static String describeAdmin(GatehouseConfig c) {
        return c.admin().map(a -> a.host() + ":" + a.port()).orElse("off");
    }

    // ---- listeners

    private void compareListeners() {
        Listen b = before.listen();
        Listen a = after.listen();
        if (!b.addresses().equals(a.addresses())) {
            changes.add("listen.address: " + b.describeAddresses() + " -> " + a.describeAddresses());
        }
        port("listen.http", b.http(), a.http());
        if (b.proxyProtocol() != a.proxyProtocol() || !b.proxyProtocolFrom().equals(a.proxyProtocolFrom())) {
            changes.add("listen.proxy_protocol: " + describeProxy(b) + " -> " + describeProxy(a)
                    + " (for new connections)");
        }
        if (b.https().isPresent() && a.https().isPresent()) {
            port("listen.https", b.https(), a.https());
        }
    }

    private void port(String key, OptionalInt b, OptionalInt a) {
        if (!b.equals(a)) {
            changes.add(key + ": " + describe(b) + " -> " + describe(a));
        }
    }

    private static String describeProxy(Listen l) {
        return !l.proxyProtocol() ? "off" : l.proxyProtocolFrom().isEmpty() ? "required" : "from " + l.proxyProtocolFrom();
    }

    private static String describe(OptionalInt port) {
        return port.isPresent() ? String.valueOf(port.getAsInt()) : "off";
    }

    /** The plain-HTTP listener must be bound anew (turned on, moved), closed (turned off), or both. */
    public boolean httpListenerChanged() {
        return !before.listen().http().equals(after.listen().http())
                || before.listen().http().isPresent() && !before.listen().addresses().equals(after.listen().addresses());
    }

    /** The HTTPS listener must be bound anew on another port or address. */
    public boolean httpsListenerChanged() {
        return before.listen().https().isPresent() && after.listen().https().isPresent()
                && (!before.listen().https().equals(after.listen().https())
                || !before.listen().addresses().equals(after.listen().addresses()));
    }

    // ---- sites

    private void compareSites() {
        for (Site s : after.sites().values()) {
            Site old = before.sites().get(s.host());
            if (old == null) {
                addedSites.add(s);
                changes.add("site \"" + s.host() + "\" added");
            } else if (!old.equals(s)) {
                changedSites.add(s);
                changes.add("site \"" + s.host() + "\" changed");
            }
        }
        for (String host : before.sites().keySet()) {
            if (!after.sites().containsKey(host)) {
                removedSites.add(host);
                changes.add("site \"" + host + "\" removed");
            }
        }
        if (!before.defaultSite().equals(after.defaultSite())) {
            changes.add("default_site: " + before.defaultSite().orElse("none") + " -> "
                    + after.defaultSite().orElse("none"));
        }
    }

    // ---- upstreams

    private void compareUpstreams() {
        for (Upstream u : after.upstreams().values()) {
            Upstream old = before.upstreams().get(u.name());
            if (old == null) {
                addedPools.add(u);
                changes.add("upstream \"" + u.name() + "\" added");
            } else if (!old.equals(u)) {
                changedPools.add(poolChange(old, u));
            }
        }
        for (String name : before.upstreams().keySet()) {
            if (!after.upstreams().containsKey(name)) {
                removedPools.add(name);
                changes.add("upstream \"" + name + "\" removed (its targets drain)");
            }
        }
    }

    private PoolChange poolChange(Upstream old, Upstream u) {
        String pool = "upstream \"" + u.name() + "\": ";
        Map<String, Target> was = byAddress(old.targets());
        Map<String, Target> now = byAddress(u.targets());
        List<Target> added = new ArrayList<>();
        List<Target> retuned = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Target t : now.values()) {
            Target w = was.get(t.address());
            if (w == null) {
                added.add(t);
                changes.add(pool + "target " + t.address() + " added");
            } else if (w.weight() != t.weight() || w.maxRequests() != t.maxRequests()) {
                retuned.add(t);
                changes.add(pool + "target " + t.address() + (w.weight() != t.weight()
                        ? " weight " + w.weight() + " -> " + t.weight()
                        : " max_requests " + w.maxRequests() + " -> " + t.maxRequests()));
            }
        }
        for (String address : was.keySet()) {
            if (!now.containsKey(address)) {
                removed.add(address);
                changes.add(pool + "target " + address + " removed (draining)");
            }
        }
        List<String> settings = changedSettings(old, u);
        if (!settings.isEmpty()) {
            changes.add(pool + String.join(", ", settings) + " changed");
        }
        return new PoolChange(u, added, retuned, removed, !settings.isEmpty(), !old.health().equals(u.health())
                // checks speak the pool's protocol and TLS: a change there restarts them too
                || old.protocol() != u.protocol() || !old.tls().equals(u.tls()));
    }

    /** The config keys besides {@code targets:} whose values differ, named as the file writes them. */
    private static List<String> changedSettings(Upstream a, Upstream b) {
        List<String> keys = new ArrayList<>();
        if (!a.balancing().equals(b.balancing())) {
            keys.add("policy");
        }
        if (!a.health().equals(b.health())) {
            keys.add("health");
        }
        if (!a.passive().equals(b.passive())) {
            keys.add("passive");
        }
        if (!a.retries().equals(b.retries())) {
            keys.add("retries");
        }
        if (!a.queue().equals(b.queue())) {
            keys.add("queue");
        }
        if (!a.slowStart().equals(b.slowStart())) {
            keys.add("slow_start");
        }
        if (a.start() != b.start()) {
            keys.add("start");
        }
        if (a.whenUnhealthy() != b.whenUnhealthy()) {
            keys.add("when_unhealthy");
        }
        if (!a.deregistrationDelay().equals(b.deregistrationDelay())) {
            keys.add("deregistration_delay");
        }
        return keys;
    }

    private static Map<String, Target> byAddress(List<Target> targets) {
        Map<String, Target> m = new LinkedHashMap<>();
        targets.forEach(t -> m.put(t.address(), t));
        return m;
    }

    // ---- settings for new connections and requests

    private void compareSettings() {
        if (!before.timeouts().equals(after.timeouts())) {
            changes.add("timeouts changed (new connections and requests)");
        }
        if (!before.limits().equals(after.limits())) {
            changes.add("limits changed (new connections and requests)");
        }
        if (!before.trustedProxies().equals(after.trustedProxies())) {
            changes.add("trusted_proxies changed");
        }
        if (!before.accessLog().equals(after.accessLog())) {
            changes.add("access_log changed");
        }
    }

    /** Whether the access log's destination file changed (the log is redirected). */
    public boolean accessLogFileChanged() {
        return !before.accessLog().file().equals(after.accessLog().file());
    }

    /** Whether the upstream connect or idle timeout changed (the keep-alive connection pool takes them). */
    public boolean upstreamTimeoutsChanged() {
        return !before.timeouts().connect().equals(after.timeouts().connect())
                || !before.timeouts().idle().equals(after.timeouts().idle());
    }

    // ---- results

    public GatehouseConfig before() {
        return before;
    }

    public GatehouseConfig after() {
        return after;
    }

    /** Nothing to apply: the files mean the same. */
    public boolean isEmpty() {
        return changes.isEmpty() && refusals.isEmpty();
    }

    /** What changed, one readable line each, in file order (sites, upstreams, then settings). */
    public List<String> changes() {
        return List.copyOf(changes);
    }

    /** Changes that cannot be applied while running, each saying why and what to do; a reload refuses them. */
    public List<String> refused() {
        return List.copyOf(refusals);
    }

    public List<Site> addedSites() {
        return List.copyOf(addedSites);
    }

    /** Sites in both configs whose settings or routes differ. */
    public List<Site> changedSites() {
        return List.copyOf(changedSites);
    }

    public List<String> removedSites() {
        return List.copyOf(removedSites);
    }

    public List<Upstream> addedPools() {
        return List.copyOf(addedPools);
    }

    public List<PoolChange> changedPools() {
        return List.copyOf(changedPools);
    }

    public List<String> removedPools() {
        return List.copyOf(removedPools);
    }
}
