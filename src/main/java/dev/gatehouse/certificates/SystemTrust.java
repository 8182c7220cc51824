package dev.gatehouse.certificates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Installs the local CA root into the operating system's trust store ({@code gatehouse trust}) and removes it
 * ({@code gatehouse untrust}). On Debian and Ubuntu that is a {@code .crt} file in
 * {@value #DEBIAN_ANCHORS} followed by {@code update-ca-certificates}, which rebuilds
 * {@code /etc/ssl/certs}. Browsers with their own store (Firefox) need the root imported by hand.
 *
 * <p>The directory and command are parameters so tests run against a temporary directory. Blocking.
 */
public final class SystemTrust {

    public static final String DEBIAN_ANCHORS = "/usr/local/share/ca-certificates";
    public static final String FILE_NAME = "gatehouse-local-ca.crt";
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path anchors;
    private final List<String> updateCommand;

    /**
     * @param anchors       directory of locally added CA certificates
     * @param updateCommand the command that rebuilds the system store from it
     */
    public SystemTrust(Path anchors, List<String> updateCommand) {
        this.anchors = Objects.requireNonNull(anchors, "anchors");
        this.updateCommand = List.copyOf(updateCommand);
        if (this.updateCommand.isEmpty()) {
            throw new IllegalArgumentException("updateCommand is empty (expected: e.g. [update-ca-certificates])");
        }
    }

    /** Debian/Ubuntu: {@value #DEBIAN_ANCHORS} and {@code update-ca-certificates}. */
    public static SystemTrust debian() {
        return new SystemTrust(Path.of(DEBIAN_ANCHORS), List.of("update-ca-certificates"));
    }

    /** Where the root is installed. */
    public Path file() {
        return anchors.resolve(FILE_NAME);
    }

    /** Writes {@code rootPem} to {@link #file()} and runs the update command; returns the file. */
    public Path install(String rootPem) throws SystemTrustException {
        Path file = file();
        try {
            Files.createDirectories(anchors);
            Path temp = Files.createTempFile(anchors, "." + FILE_NAME + ".", ".tmp");
            try {
                Files.writeString(temp, rootPem, StandardCharsets.US_ASCII);
                // update-ca-certificates runs as root but other users read /etc/ssl/certs through it.
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (AccessDeniedException e) {
            throw notRoot("installing", e);
        } catch (IOException e) {
            throw new SystemTrustException("trust: cannot write " + file + ": " + e, e);
        }
        runUpdate();
        return file;
    }

    /** Removes the root and runs the update command; false when it was not installed. */
    public boolean uninstall() throws SystemTrustException {
        boolean existed;
        try {
            existed = Files.deleteIfExists(file());
        } catch (AccessDeniedException e) {
            throw notRoot("removing", e);
        } catch (IOException e) {
            throw new SystemTrustException("untrust: cannot delete " + file() + ": " + e, e);
        }
        if (existed) {
            runUpdate();
        }
        return existed;
    }

    private SystemTrustException notRoot(String doing, AccessDeniedException e) {
        return new SystemTrustException(doing + " the local CA in " + anchors + " needs root (permission denied "
                + "on " + e.getFile() + "); run it with sudo", e);
    }

    private void runUpdate() throws SystemTrustException {
        Process process;
        try {
            process = new ProcessBuilder(updateCommand).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SystemTrustException(updateCommand.get(0) + " not found or not executable (" + e.getMessage()
                    + "); on Debian/Ubuntu install it with: apt-get install ca-certificates", e);
        }
        try {
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SystemTrustException(String.join(" ", updateCommand) + " did not finish in "
                        + COMMAND_TIMEOUT_SECONDS + "s");
            }
            if (process.exitValue() != 0) {
                throw new SystemTrustException(String.join(" ", updateCommand) + " failed with exit code "
                        + process.exitValue() + ": " + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new SystemTrustException(String.join(" ", updateCommand) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SystemTrustException(String.join(" ", updateCommand) + " interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "SystemTrust[" + file() + ", " + String.join(" ", updateCommand) + "]";
    }
}
