package dev.gatehouse.cli;

import dev.gatehouse.certificates.SystemTrust;
import dev.gatehouse.certificates.SystemTrustException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code gatehouse untrust}: removes what {@code gatehouse trust} installed. */
@Command(name = "untrust", mixinStandardHelpOptions = true, description = "Remove the local CA root from the system trust store.",
        footer = {"", "Needs root (sudo). Certificates imported by hand into browsers are not touched."})
final class UntrustCommand implements Callable<Integer> {

    @Mixin
    TrustStoreOptions trustStore;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SystemTrust trust = trustStore.systemTrust();
        try {
            if (trust.uninstall()) {
                out.println("removed " + trust.file() + " from the system trust store");
            } else {
                out.println("nothing to remove: " + trust.file() + " is not installed");
            }
            return 0;
        } catch (SystemTrustException e) {
            spec.commandLine().getErr().println("untrust: " + e.getMessage());
            return 1;
        }
    }
}
