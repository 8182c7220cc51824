package dev.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatehouse import SOURCE}: certificates from other tools into Gatehouse storage. */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Import certificates from certbot into Gatehouse storage.",
        subcommands = {ImportCertbotCommand.class})
final class ImportCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "import: which tool? (expected: certbot)");
    }
}
