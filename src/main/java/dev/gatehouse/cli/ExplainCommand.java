package dev.gatehouse.cli;

import dev.gatehouse.admin.AdminClient;
import dev.gatehouse.config.Admin;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.explain.ExplainRequest;
import dev.gatehouse.explain.Explainer;
import dev.gatehouse.explain.ExplanationJson;
import dev.gatehouse.explain.ExplanationText;
import dev.gatehouse.server.CompiledView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code gatehouse explain URL}: what Gatehouse would do with a request, without sending anything upstream. Asks the
 * running instance (live health, weights, certificates) when the config has an admin listener that answers, else
 * compiles the file itself.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Show what Gatehouse would do with a request: site, route (and why earlier ones did not match), "
                + "stages, action, certificate, plain-HTTP policy. Nothing is sent upstream.",
        footer = {"", "Asks the running Gatehouse through its admin API when the config has one and it answers (live "
                + "health, weights and certificates); otherwise, or with --offline, compiles the config file itself.",
                "", "Exit status: 0 when the request would be served (forwarded, a file, a redirect, including the "
                + "redirect of plain HTTP to HTTPS, or a fixed answer below 400); 1 when it would be refused (a 4xx "
                + "or 5xx Gatehouse makes itself: no site or route (404), https-only (403), access rules, a missing "
                + "file, no usable target; or no listener for the scheme, or no certificate for the host); 2 when it "
                + "cannot be explained (bad arguments, an invalid config, an admin API error).",
                "", "Example: gatehouse explain --method POST --header 'X-Canary: 1' https://api.example.com/v1/orders"})
final class ExplainCommand implements Callable<Integer> {
    static final int SERVED = 0;
    static final int REFUSED = 1;
    static final int CANNOT = 2;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "gatehouse.yaml",
            description = "the config (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--method", paramLabel = "M", defaultValue = "GET", description = "request method (default: GET)")
    String method;

    @Option(names = "--header", paramLabel = "\"K: V\"", description = "a request header; may be repeated")
    List<String> headers = new ArrayList<>();

    @Option(names = "--client", paramLabel = "IP",
            description = "the client's address, for source conditions, access rules and hashing "
                    + "(default: any client, " + ExplainRequest.ANY_CLIENT + ")")
    String client;

    @Option(names = "--offline", description = "explain from the config file even when an instance is running")
    boolean offline;

    @Mixin
    AdminOptions admin;

    @Parameters(paramLabel = "URL", description = "the request's URL, like https://example.com/path?q=1 (without a "
            + "scheme: https)")
    String url;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ExplainRequest request;
            try {
                request = ExplainRequest.parse(method, url, headers, Optional.ofNullable(client));
            } catch (IllegalArgumentException e) {
                err.println("explain: " + e.getMessage());
                return CANNOT;
            }
            Optional<Map<String, Object>> explained = offline ? Optional.empty() : fromInstance(request, err);
            if (explained.isEmpty()) {
                explained = fromFile(request, err);
            }
            if (explained.isEmpty()) {
                return CANNOT;
            }
            return new ExplanationText(Clock.systemUTC()).print(explained.get(), out) ? REFUSED : SERVED;
        } catch (Failed e) {
            return CANNOT;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The running instance's explanation; empty when there is none to ask (an error was printed if one was meant). */
    private Optional<Map<String, Object>> fromInstance(ExplainRequest request, PrintWriter err) {
        Optional<Admin> section = Optional.empty();
        try {
            section = ConfigLoader.loadAdmin(config);
        } catch (ConfigException e) {
            // The whole file is loaded (and its errors shown) below when there is no --admin.
        }
        Optional<AdminClient> client = admin.client(section);
        if (client.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", request.url());
        body.put("method", request.method());
        body.put("headers", request.headers().stream().map(h -> h.name() + ": " + h.value()).toList());
        if (request.clientGiven()) {
            body.put("client", request.client().getHostAddress());
        }
        try {
            AdminClient.Response r = client.get().post("explain", body);
            if (!r.ok()) {
                err.println("explain: " + AdminOptions.refusal(r));
                throw new Failed();
            }
            Map<String, Object> explained = new LinkedHashMap<>(r.object());
            explained.put("origin", "the running instance at " + client.get().base() + ", " + explained.get("origin"));
            return Optional.of(explained);
        } catch (AdminClient.UnreachableException e) {
            if (admin.admin != null) {
                err.println("explain: " + e.getMessage() + "; is Gatehouse running?");
                throw new Failed();
            }
            return Optional.empty(); // not running: the file tells the same, without live health
        } catch (IOException e) {
            err.println("explain: " + e.getMessage());
            throw new Failed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed();
        }
    }

    /** Explaining failed after the reason was printed. */
    private static final class Failed extends RuntimeException {
        Failed() {
            super(null, null, false, false);
        }
    }

    private Optional<Map<String, Object>> fromFile(ExplainRequest request, PrintWriter err) {
        GatehouseConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            ValidateCommand.printErrors(e, err);
            return Optional.empty();
        }
        return Optional.of(ExplanationJson.of(Explainer.of(CompiledView.offline(cfg)).explain(request)));
    }
}
