package dev.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatehouse}: the command line. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "HTTPS edge server: TLS with automatic certificates, routing, load balancing.",
        subcommands = {RunCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
