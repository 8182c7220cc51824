package dev.gatehouse.storage;

/** Another thread or process held a storage lock for longer than the caller was willing to wait. */
public final class StorageLockedException extends StorageException {
    public StorageLockedException(String message) {
        super(message);
    }
}
