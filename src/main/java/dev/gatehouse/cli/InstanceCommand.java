package dev.gatehouse.cli;

import dev.gatehouse.admin.AdminClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A command that asks the running instance through its admin API. Only the config's admin section is read, so it
 * works while the rest of the file has errors. Exit 1 when the instance cannot be reached.
 */
abstract class InstanceCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "gatehouse.yaml",
            description = "config whose admin listener to ask (default: ${DEFAULT-VALUE})")
    Path config;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Optional<AdminClient> client = admin.required(config, err);
            if (client.isEmpty()) {
                return 1;
            }
            return run(client.get(), out, err);
        } catch (AdminClient.UnreachableException e) {
            err.println(spec.name() + ": " + e.getMessage() + "; is Gatehouse running?");
            return 1;
        } catch (IOException e) {
            err.println(spec.name() + ": " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    abstract int run(AdminClient client, PrintWriter out, PrintWriter err) throws IOException, InterruptedException;
}
