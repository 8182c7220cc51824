package dev.gatehouse.acme;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.util.Optional;

/**
 * Where ACME account keys live, one per CA directory (an account exists only at the CA that created it).
 * The server implements it over its storage (keys written atomically with mode 0600); tests use {@link #inMemory()}.
 * Called from the issuing executor only.
 */
public interface AccountKeys {

    /** The account key for {@code directory}; empty when no account was created there yet. */
    Optional<KeyPair> load(URI directory) throws IOException;

    /** Keeps the key of a newly created account; called once, before the account is registered. */
    void save(URI directory, KeyPair key) throws IOException;

    /** Keys kept in memory only, lost with the process: for tests and throwaway runs. */
    static AccountKeys inMemory() {
        return new InMemoryAccountKeys();
    }
}
