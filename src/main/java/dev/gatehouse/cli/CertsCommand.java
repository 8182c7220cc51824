package dev.gatehouse.cli;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.StorageException;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;

/** {@code gatehouse certs [--config FILE]}: a table of every managed certificate, read from the storage directory. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "List managed certificates: source, issuer, expiry, renewal, errors.",
        footer = {"", "Reads the storage directory of the config, so it works whether or not Gatehouse is running; "
                + "what a running instance holds in memory will be shown through the admin API (a later release). "
                + "Names marked * are in storage but are not sites of the config."},
        subcommands = {CertsRenewCommand.class})
final class CertsCommand extends ConfigCommand {

    @Override
    int run(GatehouseConfig cfg, PrintWriter out, PrintWriter err) {
        FileStorage storage = ConfigOption.storage(cfg);
        List<CertificateTable.Row> rows;
        try {
            rows = new CertificateTable(cfg, storage, Clock.systemUTC()).rows();
        } catch (StorageException e) {
            err.println(e.getMessage());
            return 1;
        }
        out.println("storage: " + storage.root());
        CertificateTable.print(rows, out);
        if (rows.stream().anyMatch(r -> !r.inConfig())) {
            out.println("* in storage, not a site of " + config.file);
        }
        out.flush();
        return 0;
    }
}
