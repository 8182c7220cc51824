package dev.gatehouse.certificates;

import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.StorageException;

import java.util.List;

/**
 * Requests from another process to the running instance, left in storage: {@code requests/renew/<name>}
 * ({@code gatehouse certs renew NAME}: order a new certificate now) or {@code requests/reload/<name>}
 * ({@code gatehouse import certbot}: serve what storage now holds), picked up within a couple of seconds and deleted.
 */
public final class RenewRequests {
    private static final String RENEW = "renew";
    private static final String RELOAD = "reload";

    private RenewRequests() {
    }

    /** Leaves a renewal request for {@code name}; returns its storage key. */
    public static String request(CertificateStore storage, String name) throws StorageException {
        return storage.leaveRequest(RENEW, name);
    }

    /** Asks a running instance to serve the stored certificate of {@code name}; returns its storage key. */
    public static String reload(CertificateStore storage, String name) throws StorageException {
        return storage.leaveRequest(RELOAD, name);
    }

    static List<String> takeRenewals(CertificateStore storage) throws StorageException {
        return storage.takeRequests(RENEW);
    }

    static List<String> takeReloads(CertificateStore storage) throws StorageException {
        return storage.takeRequests(RELOAD);
    }
}
