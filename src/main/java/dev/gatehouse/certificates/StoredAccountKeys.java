package dev.gatehouse.certificates;

import dev.gatehouse.acme.AccountKeys;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.util.Optional;

/** ACME account keys kept in storage, one per CA directory: created once, reused on every restart. */
public final class StoredAccountKeys implements AccountKeys {
    private final CertificateStore storage;

    public StoredAccountKeys(CertificateStore storage) {
        this.storage = storage;
    }

    @Override
    public Optional<KeyPair> load(URI directory) throws IOException {
        return storage.loadAccountKey(directory);
    }

    @Override
    public void save(URI directory, KeyPair key) throws IOException {
        storage.saveAccountKey(directory, key.getPrivate());
    }
}
