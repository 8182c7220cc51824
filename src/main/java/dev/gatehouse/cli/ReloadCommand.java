package dev.gatehouse.cli;

import dev.gatehouse.admin.AdminClient;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** {@code gatehouse reload}: the running instance reads its config file again ({@code POST /reload}). */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make the running Gatehouse read its config file again.",
        footer = {"", "Prints what changed, or every error with file:line:column and exits 1: then the running config "
                + "keeps serving, unchanged."})
final class ReloadCommand extends InstanceCommand {

    @Override
    int run(AdminClient client, PrintWriter out, PrintWriter err) throws java.io.IOException, InterruptedException {
        AdminClient.Response r = client.post("reload");
        if (r.ok()) {
            List<Object> changes = r.object().get("changes") instanceof List<?> l ? List.copyOf(l) : List.of();
            out.println(changes.isEmpty() ? "reloaded: nothing changed" : "reloaded: " + changes.size()
                    + (changes.size() == 1 ? " change" : " changes"));
            changes.forEach(c -> out.println("  " + c));
            return 0;
        }
        err.println("reload refused: " + AdminOptions.refusal(r));
        if (r.object().get("errors") instanceof List<?> errors) {
            errors.forEach(e -> err.println(e));
        }
        return 1;
    }
}
