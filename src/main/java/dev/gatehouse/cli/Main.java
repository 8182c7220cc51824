package dev.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code gatehouse}: the command line. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "HTTPS edge server: TLS with automatic certificates, routing, load balancing.",
        subcommands = {RunCommand.class, ValidateCommand.class, StatusCommand.class, ReloadCommand.class,
                CertsCommand.class, CacheCommand.class, TrustCommand.class, UntrustCommand.class, ImportCommand.class,
                HashPasswordCommand.class, ProxyCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        int code = 1;
        try {
            code = execute(args);
        } catch (Throwable t) {
            // Errors picocli does not catch: exit anyway, or Netty's event loop threads would keep the JVM alive.
            t.printStackTrace();
        } finally {
            System.exit(code);
        }
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    /** {@link #execute(String...)} with the commands' output going to {@code out} and {@code err}. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        return new CommandLine(new Main()).setOut(out).setErr(err).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
