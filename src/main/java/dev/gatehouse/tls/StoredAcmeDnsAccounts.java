package dev.gatehouse.tls;

import dev.gatehouse.acme.dns.AcmeDnsAccounts;
import dev.gatehouse.config.DnsSettings.AcmeDnsAccount;
import dev.gatehouse.storage.FileStorage;
import org.shredzone.acme4j.toolbox.JSON;
import org.shredzone.acme4j.toolbox.JSONBuilder;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * acme-dns registrations in storage, one JSON file per API host and domain:
 * {@code dns/acme-dns/<host[_port]>/<domain>.json}, mode 0600 (the password lets anyone change the TXT value),
 * written to a temporary file and renamed over the old one.
 */
public final class StoredAcmeDnsAccounts implements AcmeDnsAccounts {
    private final FileStorage storage;

    public StoredAcmeDnsAccounts(FileStorage storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    @Override
    public Optional<AcmeDnsAccount> load(URI api, String domain) throws IOException {
        Path file = file(api, domain);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JSON json = JSON.parse(Files.readString(file, StandardCharsets.UTF_8));
            return Optional.of(new AcmeDnsAccount(json.get("username").asString(), json.get("password").asString(),
                    json.get("subdomain").asString(), json.get("fulldomain").asString()));
        } catch (RuntimeException e) {
            throw new IOException(file + ": not an acme-dns registration (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void save(URI api, String domain, AcmeDnsAccount account) throws IOException {
        Path file = file(api, domain);
        Path dir = file.getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String json = new JSONBuilder().put("username", account.username()).put("password", account.password())
                .put("subdomain", account.subdomain()).put("fulldomain", account.fulldomain()).toString();
        Path tmp = Files.createTempFile(dir, ".acme-dns", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Path file(URI api, String domain) {
        String host = Objects.requireNonNull(api.getHost(), () -> "acme-dns API URL without host: " + api);
        String dir = api.getPort() < 0 ? host : host + "_" + api.getPort();
        return storage.root().resolve("dns").resolve("acme-dns").resolve(FileStorage.fileName(dir))
                .resolve(FileStorage.fileName(domain) + ".json");
    }
}
