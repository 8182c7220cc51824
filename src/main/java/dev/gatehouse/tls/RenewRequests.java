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
 * {@code gatehouse certs renew NAME} from another process: a marker file under {@code requests/renew/} in the
 * storage directory, which the running instance picks up within a couple of seconds and deletes.
 */
public final class RenewRequests {
    private RenewRequests() {
    }

    static Path dir(FileStorage storage) {
        return storage.root().resolve("requests").resolve("renew");
    }

    /** Leaves a renewal request for {@code name}. */
    public static void request(FileStorage storage, String name) throws IOException {
        Path dir = dir(storage);
        // 0700 like every other storage directory (docs/storage.md): the names being renewed are nobody else's business.
        FileAttribute<?>[] owner = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
        Files.createDirectories(dir, owner);
        Path marker = dir.resolve(FileStorage.fileName(name));
        Files.writeString(marker, name + "\n");
    }

    /** Takes (reads and deletes) the pending requests. */
    static List<String> take(FileStorage storage) throws IOException {
        Path dir = dir(storage);
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
