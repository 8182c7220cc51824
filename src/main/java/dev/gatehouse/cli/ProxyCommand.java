package dev.gatehouse.cli;

import dev.gatehouse.config.ConfigError;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.HostPort;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse proxy --from NAME --to HOST:PORT...}: a reverse proxy with automatic HTTPS and no config file. It
 * runs the config a file would hold (see {@link ProxySpec#yaml}), so every default of {@code run} applies.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run a reverse proxy with automatic HTTPS, without a config file.",
        footer = {"", "Examples:",
                "  gatehouse proxy --from app.example.com --to 127.0.0.1:3000",
                "  gatehouse proxy --from localhost:8443 --to 3000 --to 3001     # local CA, two backends",
                "",
                "A public name gets its certificate over ACME (ports 80 and 443 must reach this machine); localhost, "
                        + "*.localhost, *.internal, *.test, IP addresses and --internal-certs use the local CA "
                        + "(trust it with: sudo gatehouse trust). Several --to are balanced round robin, with "
                        + "passive health checks. Ports below 1024 need root or CAP_NET_BIND_SERVICE. Stop with "
                        + "Ctrl-C or SIGTERM; in-flight requests finish first."})
final class ProxyCommand implements Callable<Integer> {

    @Option(names = "--from", paramLabel = "NAME[:PORT]", defaultValue = "localhost",
            description = "the site's name and HTTPS port (default: ${DEFAULT-VALUE}, port 443)")
    String from;

    @Option(names = "--to", paramLabel = "HOST:PORT", required = true,
            description = "a backend; repeat for several (a port alone means 127.0.0.1)")
    List<String> to;

    @Option(names = "--http-port", paramLabel = "PORT|off",
            description = "plain HTTP (redirects to HTTPS, ACME HTTP-01); default: 80 when HTTPS is on 443, else off")
    String httpPort;

    @Option(names = "--address", paramLabel = "ADDR",
            description = "listen address, repeatable; default: loopback for localhost names, else 0.0.0.0")
    List<String> addresses;

    @Option(names = "--storage", paramLabel = "DIR", defaultValue = "data",
            description = "certificates, keys and the local CA (default: ./${DEFAULT-VALUE}, as gatehouse run)")
    Path storage;

    @Option(names = "--email", paramLabel = "EMAIL", description = "ACME account contact")
    String email;

    @Option(names = "--internal-certs", description = "certificates from the local CA whatever the name")
    boolean internal;

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "also serve the admin API and dashboard there, e.g. 127.0.0.1:2019")
    String admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ProxySpec proxy;
        try {
            proxy = spec();
        } catch (IllegalArgumentException e) {
            err.println("gatehouse proxy: " + e.getMessage());
            err.flush();
            return 2;
        }
        GatehouseConfig config;
        try {
            config = ConfigLoader.parse(proxy.yaml(), Path.of("(gatehouse proxy)"));
        } catch (ConfigException e) {
            // Positions would point into a file the user never saw: the messages alone name the option's value.
            for (ConfigError error : e.errors()) {
                err.println("gatehouse proxy: " + error.message() + error.hint().map(h -> " (" + h + ")").orElse(""));
            }
            err.flush();
            return 2;
        }
        return RunCommand.serve(config, "gatehouse proxy " + proxy.describe(), false);
    }

    ProxySpec spec() {
        HostPort site = ProxySpec.from(from);
        OptionalInt http;
        if (httpPort == null) {
            http = site.port() == ProxySpec.DEFAULT_HTTPS ? OptionalInt.of(ProxySpec.DEFAULT_HTTP) : OptionalInt.empty();
        } else if (httpPort.equals("off")) {
            http = OptionalInt.empty();
        } else if (httpPort.matches("\\d{1,5}") && Integer.parseInt(httpPort) <= 65535) {
            http = OptionalInt.of(Integer.parseInt(httpPort));
        } else {
            throw new IllegalArgumentException("--http-port " + httpPort + ": expected a port or off");
        }
        return new ProxySpec(site.host(), site.port(), http, to.stream().map(ProxySpec::to).toList(),
                addresses == null || addresses.isEmpty() ? ProxySpec.defaultAddresses(site.host()) : addresses,
                storage.toAbsolutePath().normalize(), Optional.ofNullable(email), internal, Optional.ofNullable(admin));
    }
}
