package dev.gatehouse.cli;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateInventory;
import dev.gatehouse.certificates.LocalCa;
import dev.gatehouse.certificates.SystemTrust;
import dev.gatehouse.certificates.SystemTrustException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * {@code gatehouse trust}: installs the local CA root into the system trust store (creating the CA first when it
 * does not exist yet), or with {@code --export FILE} writes the root PEM for importing elsewhere.
 */
@Command(name = "trust", mixinStandardHelpOptions = true, description = "Install the local CA root in the system trust store (or --export it).",
        footer = {"", "Installing needs root (sudo) and Debian/Ubuntu's update-ca-certificates. Browsers with their "
                + "own store (Firefox; Chrome on Linux) and other machines need the root imported by hand:",
                "  gatehouse trust --export gatehouse-root.pem"})
final class TrustCommand extends ConfigCommand {

    @Option(names = "--export", paramLabel = "FILE",
            description = "write the root certificate (PEM) to FILE, or to standard output with -, instead of installing")
    String export;

    @Mixin
    TrustStoreOptions trustStore;

    @Override
    int run(GatehouseConfig cfg, PrintWriter out, PrintWriter err) throws InterruptedException {
        CertificateStore storage = ConfigOption.storage(cfg);
        LocalCa ca;
        try {
            boolean existed = storage.loadLocalCa().isPresent();
            storage.open();
            ca = LocalCa.loadOrCreate(storage, Clock.systemUTC());
            if (!existed) {
                SudoOwnership.restore(cfg.storage());
                err.println("created the local CA in " + storage.describe() + "/local-ca");
            }
        } catch (StorageException e) {
            err.println("trust: " + e.getMessage());
            return 1;
        }
        String name = CertificateInventory.commonName(ca.root().leaf().getSubjectX500Principal().getName());
        if (export != null) {
            return export(ca.rootPem(), name, out, err);
        }
        SystemTrust trust = trustStore.systemTrust();
        try {
            Path file = trust.install(ca.rootPem());
            out.printf("installed \"%s\" as %s; programs using the system store now trust its certificates%n",
                    name, file);
            out.println("Firefox and Chrome on Linux keep their own stores: import the file from "
                    + "'gatehouse trust --export FILE' there");
            return 0;
        } catch (SystemTrustException e) {
            err.println("trust: " + e.getMessage());
            return 1;
        }
    }

    private int export(String pem, String name, PrintWriter out, PrintWriter err) {
        if (export.equals("-")) {
            out.print(pem);
            out.flush();
            return 0;
        }
        Path file = Path.of(export);
        try {
            Path parent = file.toAbsolutePath().getParent();
            Path temp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(temp, pem, StandardCharsets.US_ASCII);
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            err.println("trust: cannot write " + file + ": " + e);
            return 1;
        }
        out.printf("wrote the root certificate \"%s\" to %s%n", name, file);
        return 0;
    }
}
