package dev.gatehouse.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A storage operation failed. The message names the path and says why in words a user can act on ("disk full",
 * "read-only file system", "permission denied"). A failed write never damages the previous files.
 */
public class StorageException extends IOException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Wraps an I/O failure on {@code path} while doing {@code what} ("write", "read", "create directory"). */
    static StorageException of(String what, Path path, IOException cause) {
        if (cause instanceof StorageException storage) {
            return storage;
        }
        return new StorageException("storage: cannot " + what + " " + path + ": " + reason(cause), cause);
    }

    private static String reason(IOException e) {
        String text = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : String.valueOf(e.getMessage());
        if (text.contains("No space left on device")) {
            return "disk full (No space left on device); the previous files are kept";
        }
        if (text.contains("Read-only file system")) {
            return "read-only file system; the previous files are kept";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied (the storage directory must be writable by the user running gatehouse)";
        }
        if (text.contains("Not a directory")) {
            return "a path component is a file, not a directory";
        }
        return e.getClass().getSimpleName() + ": " + text;
    }
}
