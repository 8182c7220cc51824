package dev.gatehouse.tls;

import dev.gatehouse.storage.FileStorage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests from another process to the running instance: a marker file under {@code requests/renew/}
 * ({@code gatehouse certs renew NAME}: order a new certificate now) or {@code requests/reload/}
 * ({@code gatehouse import certbot}: serve what storage now holds), picked up within a couple of seconds and deleted.
 */
public final class RenewRequests {
    private static final String RENEW = "renew";
    private static final String RELOAD = "reload";

    private RenewRequests() {
    }

    /** Leaves a renewal request for {@code name}; returns the marker file. */
    public static Path request(FileStorage storage, String name) throws IOException {
        return leave(storage, RENEW, name);
    }

    /** Asks a running instance to serve the stored certificate of {@code name}; returns the marker file. */
    public static Path reload(FileStorage storage, String name) throws IOException {
        return leave(storage, RELOAD, name);
    }

    private static Path leave(FileStorage storage, String kind, String name) throws IOException {
        Path dir = dir(storage, kind);
        // 0700 like every other storage directory (docs/storage.md): the names being renewed are nobody else's business.
        FileAttribute<?>[] owner = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
        Files.createDirectories(dir, owner);
        Path marker = dir.resolve(FileStorage.fileName(name));
        Files.writeString(marker, name + "\n");
        return marker;
    }

    static List<String> takeRenewals(FileStorage storage) throws IOException {
        return take(dir(storage, RENEW));
    }

    static List<String> takeReloads(FileStorage storage) throws IOException {
        return take(dir(storage, RELOAD));
    }

    private static Path dir(FileStorage storage, String kind) {
        return storage.root().resolve("requests").resolve(kind);
    }

    /** Takes (reads and deletes) the pending requests of one kind. */
    private static List<String> take(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> markers = Files.newDirectoryStream(dir)) {
            for (Path marker : markers) {
                String name = Files.readString(marker).trim();
                Files.deleteIfExists(marker);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }
}
