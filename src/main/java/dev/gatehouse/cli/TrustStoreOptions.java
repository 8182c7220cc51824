package dev.gatehouse.cli;

import dev.gatehouse.certificates.SystemTrust;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Hidden options that point {@code trust} and {@code untrust} at another anchors directory and update command, so
 * tests (and unusual distributions) never touch the real system store. Without them: Debian/Ubuntu's.
 */
final class TrustStoreOptions {

    @Option(names = "--anchors-dir", hidden = true, paramLabel = "DIR",
            description = "directory of local CA certificates (default: " + SystemTrust.DEBIAN_ANCHORS + ")")
    Path anchors;

    @Option(names = "--update-command", hidden = true, paramLabel = "COMMAND",
            description = "command that rebuilds the system store, split at spaces (default: update-ca-certificates)")
    String updateCommand;

    SystemTrust systemTrust() {
        if (anchors == null && updateCommand == null) {
            return SystemTrust.debian();
        }
        return new SystemTrust(anchors == null ? Path.of(SystemTrust.DEBIAN_ANCHORS) : anchors,
                updateCommand == null ? java.util.List.of("update-ca-certificates")
                        : Arrays.asList(updateCommand.trim().split("\\s+")));
    }
}
