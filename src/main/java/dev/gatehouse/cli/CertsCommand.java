package dev.gatehouse.cli;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.StorageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code gatehouse certs [--config FILE]}: a table of every managed certificate, read from the storage directory. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "List managed certificates: source, issuer, expiry, renewal, errors.",
        footer = {"", "Reads the storage directory of the config, so it works whether or not Gatehouse is running; "
                + "what a running instance holds in memory will be shown through the admin API (a later release). "
                + "Names marked * are in storage but are not sites of the config."},
        subcommands = {CertsRenewCommand.class})
final class CertsCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<GatehouseConfig> cfg = config.load(err);
        if (cfg.isEmpty()) {
            return 1;
        }
        FileStorage storage = ConfigOption.storage(cfg.get());
        List<CertificateTable.Row> rows;
        try {
            rows = new CertificateTable(cfg.get(), storage, Clock.systemUTC()).rows();
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
