package dev.gatehouse.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code sudo gatehouse trust} or {@code sudo gatehouse import certbot} may create files in the storage directory;
 * owned by root, they would keep a later {@code gatehouse run} as the usual user from writing there. So when running
 * as root, files owned by root in storage are given to the owner of the directory that holds the storage (the user's
 * project directory), unless that is root too.
 */
final class SudoOwnership {
    private SudoOwnership() {
    }

    static void restore(Path storage) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        try {
            Path parent = storage.toAbsolutePath().getParent();
            UserPrincipal owner = Files.getOwner(parent);
            if (owner.getName().equals("root")) {
                return;
            }
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(storage)) {
                paths = walk.toList();
            }
            for (Path path : paths) {
                if (Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName().equals("root")) {
                    Files.setOwner(path, owner);
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort: the files work for root; the user sees "permission denied" with the path otherwise.
        }
    }
}
