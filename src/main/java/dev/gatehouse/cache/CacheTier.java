package dev.gatehouse.cache;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One place stored responses live: memory, disk, or (later) a store shared by several instances. Keyed by URL
 * ({@link CacheKeys}); the value is the list of stored responses for that URL, one per Vary selection, newest first.
 * A tier takes its own references to what it is given (memory bodies are reference counted) and lets go of them
 * when it drops a URL. Implementations are thread-safe.
 */
public interface CacheTier extends AutoCloseable {

    /** The responses stored for {@code url}, newest first; empty when none. May complete on another thread. */
    CompletionStage<List<StoredResponse>> load(String url);

    /** Stores the responses of {@code url}, replacing whatever the tier held for it. */
    void save(String url, List<StoredResponse> responses);

    /** Drops {@code url}; true when it was held. */
    boolean remove(String url);

    /** Bytes held (bodies and fields). */
    long bytes();

    /** URLs held. */
    long entries();

    /** The tier's name in metrics and logs: {@code memory}, {@code disk}, ... */
    String name();

    @Override
    void close();
}
