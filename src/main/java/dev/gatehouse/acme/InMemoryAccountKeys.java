package dev.gatehouse.acme;

import java.net.URI;
import java.security.KeyPair;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

final class InMemoryAccountKeys implements AccountKeys {
    private final ConcurrentMap<URI, KeyPair> keys = new ConcurrentHashMap<>();

    @Override
    public Optional<KeyPair> load(URI directory) {
        return Optional.ofNullable(keys.get(Objects.requireNonNull(directory, "directory")));
    }

    @Override
    public void save(URI directory, KeyPair key) {
        keys.put(Objects.requireNonNull(directory, "directory"), Objects.requireNonNull(key, "key"));
    }
}
