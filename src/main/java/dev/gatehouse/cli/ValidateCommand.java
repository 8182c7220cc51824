package dev.gatehouse.cli;

import dev.gatehouse.certificates.ManagedCertificate;
import dev.gatehouse.config.ConfigError;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code gatehouse validate FILE}: every error at once, with positions; exit 1 when there is any. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a config file and print every error with its position.",
        footer = {"", "Exit 0 when the file is valid, 1 with every error as file:line:column: message."})
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "the config file", defaultValue = "gatehouse.yaml")
    Path file;

    @Override
    public Integer call() {
        try {
            GatehouseConfig config = ConfigLoader.load(file);
            System.out.printf("%s: valid (%d sites, %d upstreams)%n", file, config.sites().size(),
                    config.upstreams().size());
            // Valid, but a certificate that can never be ordered deserves a word before it is found out at run time.
            for (ManagedCertificate certificate : ManagedCertificate.of(config)) {
                certificate.acmeProblem(config.acme()).ifPresent(problem -> System.out.printf(
                        "note: site \"%s\": %s; a stored or imported certificate is served but not renewed%n",
                        certificate.site(), problem));
            }
            return 0;
        } catch (ConfigException e) {
            printErrors(e);
            return 1;
        }
    }

    static void printErrors(ConfigException e) {
        PrintWriter err = new PrintWriter(System.err, true);
        printErrors(e, err);
    }

    static void printErrors(ConfigException e, PrintWriter err) {
        for (ConfigError error : e.errors()) {
            err.println(error.format());
        }
        err.printf("%d error%s%n", e.errors().size(), e.errors().size() == 1 ? "" : "s");
        err.flush();
    }
}
