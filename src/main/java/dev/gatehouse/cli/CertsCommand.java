package dev.gatehouse.cli;

import dev.gatehouse.admin.AdminClient;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.storage.StorageException;
import dev.gatehouse.certificates.CertificateInventory;
import dev.gatehouse.certificates.CertificateStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code gatehouse certs [--config FILE]}: a table of every managed certificate, from the running instance's admin
 * API when it answers, else read from the storage directory.
 */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "List managed certificates: source, issuer, expiry, renewal, errors.",
        footer = {"", "Asks the running Gatehouse through its admin API when the config has one (or --admin URL is "
                + "given) and it answers; otherwise reads the storage directory of the config, so it works whether "
                + "or not Gatehouse is running. Names marked * are in storage but are not sites of the config."},
        subcommands = {CertsRenewCommand.class})
final class CertsCommand extends ConfigCommand {

    @Mixin
    AdminOptions admin;

    @Override
    int run(GatehouseConfig cfg, PrintWriter out, PrintWriter err) throws InterruptedException {
        Optional<AdminClient> client = admin.client(cfg.admin());
        List<CertificateStatus> statuses;
        if (client.isPresent()) {
            try {
                AdminClient.Response r = client.get().get("certificates");
                if (!r.ok()) {
                    err.println("certs: " + AdminOptions.refusal(r));
                    return 1;
                }
                out.println("instance: " + client.get().base());
                return print(AdminClient.objects(r.object().get("certificates")).stream()
                        .map(CertsCommand::fromJson).toList(), out);
            } catch (IOException e) {
                if (admin.admin != null || !(e instanceof AdminClient.UnreachableException)) {
                    err.println("certs: " + e.getMessage());
                    return 1;
                }
                // Not running: storage says the same, minus what is only in the instance's memory.
            }
        }
        CertificateStore storage = ConfigOption.storage(cfg);
        try {
            statuses = new CertificateInventory(cfg, storage).statuses();
        } catch (StorageException e) {
            err.println(e.getMessage());
            return 1;
        }
        out.println("storage: " + storage.describe());
        return print(statuses, out);
    }

    private int print(List<CertificateStatus> statuses, PrintWriter out) {
        List<CertificateTable.Row> rows = new CertificateTable(Clock.systemUTC()).rows(statuses);
        CertificateTable.print(rows, out);
        if (rows.stream().anyMatch(r -> !r.inConfig())) {
            out.println("* in storage, not a site of " + config.file);
        }
        out.flush();
        return 0;
    }

    /** One entry of {@code GET /certificates}. */
    static CertificateStatus fromJson(Map<String, Object> m) {
        return new CertificateStatus(String.valueOf(m.get("name")), !Boolean.FALSE.equals(m.get("in_config")),
                String.valueOf(m.get("source")), text(m, "issuer"), time(m, "not_before"), time(m, "not_after"),
                time(m, "next_renewal"), time(m, "last_attempt"), text(m, "last_error"));
    }

    private static Optional<String> text(Map<String, Object> m, String key) {
        return Optional.ofNullable(m.get(key)).map(Object::toString);
    }

    private static Optional<Instant> time(Map<String, Object> m, String key) {
        return text(m, key).map(Instant::parse);
    }
}
