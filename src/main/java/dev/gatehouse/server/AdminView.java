package dev.gatehouse.server;

import dev.gatehouse.admin.RunningInstance;
import dev.gatehouse.cache.ResponseCache;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.ReloadResult;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateInventory;
import dev.gatehouse.certificates.CertificateStatus;
import dev.gatehouse.upstream.Upstreams;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The server as the admin API sees it; every call asks the server for what is current, so reloads show at once. */
final class AdminView implements RunningInstance {
    private final GatehouseServer server;
    private final Instant startedAt = Instant.now();

    AdminView(GatehouseServer server) {
        this.server = server;
    }

    @Override
    public GatehouseConfig config() {
        return server.config();
    }

    @Override
    public Upstreams upstreams() {
        return server.upstreams();
    }

    @Override
    public List<CertificateStatus> certificates() throws StorageException {
        GatehouseConfig config = config();
        return new CertificateInventory(config, new CertificateStore(new FileStorage(config.storage()))).statuses();
    }

    @Override
    public boolean renew(String name) {
        return server.tlsRuntime().map(tls -> {
            tls.manager().renew(name);
            return true;
        }).orElse(false);
    }

    @Override
    public ReloadResult reload() {
        return server.reloadAsync("admin API").join();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public Map<String, Integer> listeners() {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (server.httpPort() >= 0) {
            out.put("http", server.httpPort());
        }
        if (server.httpsPort() >= 0) {
            out.put("https", server.httpsPort());
        }
        return out;
    }

    @Override
    public String metrics() {
        return server.metrics().scrape();
    }

    @Override
    public ResponseCache cache() {
        return server.cache();
    }

    @Override
    public java.util.Optional<Map<String, Object>> cluster() {
        return server.cluster().map(c -> ClusterReport.of(c.status(), Instant.now()));
    }
}
