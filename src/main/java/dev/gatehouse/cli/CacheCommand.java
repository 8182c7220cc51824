package dev.gatehouse.cli;

import dev.gatehouse.admin.AdminClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;

/** {@code gatehouse cache}: the response cache of the running instance. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "The response cache of the running Gatehouse.",
        subcommands = {CacheCommand.Purge.class})
final class CacheCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code gatehouse cache purge URL | --tag T | --prefix P}: {@code POST /cache/purge}. */
    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Drop stored responses: one URL (http and https, every variant), every response with a tag "
                    + "(Surrogate-Key or Cache-Tag), or every URL under a prefix.",
            footer = {"", "Examples:", "  gatehouse cache purge https://example.com/pricing",
                "  gatehouse cache purge --tag product-42", "  gatehouse cache purge --prefix https://example.com/blog/"})
    static final class Purge extends InstanceCommand {

        @ArgGroup(exclusive = true, multiplicity = "1")
        What what;

        /** Exactly one of them. */
        static final class What {
            @Parameters(paramLabel = "URL", description = "an absolute URL, like https://example.com/page")
            String url;

            @Option(names = "--tag", paramLabel = "TAG", description = "a tag from Surrogate-Key or Cache-Tag")
            String tag;

            @Option(names = "--prefix", paramLabel = "PREFIX", description = "a URL prefix, like https://example.com/blog/")
            String prefix;
        }

        @Override
        int run(AdminClient client, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
            String field = what.url != null ? "url" : what.tag != null ? "tag" : "prefix";
            String value = what.url != null ? what.url : what.tag != null ? what.tag : what.prefix;
            AdminClient.Response r = client.post("cache/purge", "{\"" + field + "\": " + quote(value) + "}");
            if (r.ok()) {
                Object n = r.object().get("purged");
                out.println("purged " + n + (String.valueOf(n).equals("1") ? " URL" : " URLs"));
                return 0;
            }
            err.println("purge refused: " + AdminOptions.refusal(r));
            return 1;
        }

        private static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            return b.append('"').toString();
        }
    }
}
