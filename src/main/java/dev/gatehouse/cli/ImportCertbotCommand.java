package dev.gatehouse.cli;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.SiteTls;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import dev.gatehouse.certificates.RenewRequests;
import dev.gatehouse.certificates.CertbotImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code gatehouse import certbot [DIR]}: takes over the certificates certbot manages. */
@Command(name = "certbot", mixinStandardHelpOptions = true, description = "Import certbot's certificates (renewal/*.conf, live/NAME/) into storage.",
        footer = {"", "Each certificate is stored under every name it covers, with source certbot; Gatehouse serves "
                + "it within seconds (a running instance) or from its next start, and renews it over ACME when a third of its lifetime is left. Expired and "
                + "unreadable certificates are skipped. certbot's keys are readable by root only: run with sudo.",
                "", "Afterwards stop certbot's timer (systemctl disable --now certbot.timer) so that only one client "
                + "renews."})
final class ImportCertbotCommand extends ConfigCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = "/etc/letsencrypt",
            description = "certbot's directory (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    int run(GatehouseConfig cfg, PrintWriter out, PrintWriter err) throws InterruptedException {
        CertificateStore storage = ConfigOption.storage(cfg);
        Set<String> sites = cfg.sites().values().stream()
                .filter(s -> !(s.tls() instanceof SiteTls.Files))
                .map(s -> s.host().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<CertbotImport.Lineage> lineages;
        try {
            lineages = new CertbotImport(storage, Clock.systemUTC()).importAll(dir);
            for (CertbotImport.Lineage lineage : lineages) {
                for (String name : lineage.stored()) {
                    if (sites.contains(name)) {
                        RenewRequests.reload(storage, name); // a running instance serves it within seconds
                    }
                }
            }
        } catch (IOException e) {
            err.println("import certbot: " + e.getMessage());
            return 1;
        } finally {
            SudoOwnership.restore(cfg.storage());
        }
        int imported = 0;
        int skipped = 0;
        for (CertbotImport.Lineage lineage : lineages) {
            if (lineage.skipped().isPresent()) {
                skipped++;
                out.printf("skipped   %s: %s%n", lineage.lineage(), lineage.skipped().get());
                continue;
            }
            if (!lineage.stored().isEmpty()) {
                imported++;
                out.printf("imported  %s: %s, valid until %s, renewal planned %s%n", lineage.lineage(),
                        String.join(", ", lineage.stored()), lineage.notAfter().orElseThrow(),
                        lineage.nextRenewal().orElseThrow());
            } else {
                skipped++;
                out.printf("skipped   %s: nothing stored%n", lineage.lineage());
            }
            for (Map.Entry<String, String> kept : lineage.kept().entrySet()) {
                out.printf("          %s kept as is: %s%n", kept.getKey(), kept.getValue());
            }
            List<String> notSites = lineage.stored().stream().filter(n -> !sites.contains(n)).toList();
            if (!notSites.isEmpty()) {
                out.printf("          not served until a site names it in %s: %s%n", config.file,
                        String.join(", ", notSites));
            }
        }
        out.printf("%d imported, %d skipped from %s into %s%n", imported, skipped, dir, storage.describe());
        if (imported > 0) {
            out.println("A running Gatehouse serves them within a few seconds (else from its next start) and renews "
                    + "them over ACME when due.");
        }
        return 0;
    }
}
