package dev.gatehouse.cli;

import dev.gatehouse.admin.AdminClient;
import dev.gatehouse.config.Admin;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --admin URL} and {@code --token TOKEN} for the commands that talk to a running instance. Without
 * {@code --admin} the address is the config's {@code admin: listen}; without {@code --token} the token is the
 * config's, else {@value #TOKEN_ENV} from the environment.
 */
final class AdminOptions {
    static final String TOKEN_ENV = "GATEHOUSE_ADMIN_TOKEN";

    @Option(names = "--admin", paramLabel = "URL",
            description = "admin API of the running Gatehouse, e.g. http://127.0.0.1:2019 or 127.0.0.1:2019 "
                    + "(default: the config's admin listen)")
    String admin;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "admin API token (default: the config's, else $" + TOKEN_ENV + ")")
    String token;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /**
     * A client for the instance the options and {@code admin} (the config's section, when known) point at; empty
     * when the config has no admin listener and no {@code --admin} is given.
     */
    Optional<AdminClient> client(Optional<Admin> admin) {
        Optional<String> t = Optional.ofNullable(token)
                .or(() -> admin.flatMap(Admin::token))
                .or(() -> Optional.ofNullable(System.getenv(TOKEN_ENV)).filter(v -> !v.isBlank()));
        if (this.admin != null) {
            String url = (this.admin.contains("://") ? this.admin : "http://" + this.admin).replaceAll("/+$", "");
            try {
                URI base = URI.create(url + "/");
                if (!"http".equals(base.getScheme()) || base.getHost() == null) {
                    throw new IllegalArgumentException("not an http URL");
                }
                return Optional.of(new AdminClient(base, t));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--admin " + this.admin + ": " + e.getMessage()
                        + " (expected: like http://127.0.0.1:2019)");
            }
        }
        return admin.filter(a -> a.port() != 0).map(a -> new AdminClient(URI.create(a.localUri() + "/"), t));
    }

    /**
     * For commands that need the instance: reads only the admin section of {@code configFile} (the rest may have
     * errors: that is when one reloads), and explains on {@code err} when there is no way to reach it.
     */
    Optional<AdminClient> required(Path configFile, PrintWriter err) {
        Optional<Admin> section = Optional.empty();
        try {
            section = ConfigLoader.loadAdmin(configFile);
        } catch (ConfigException e) {
            if (admin == null) {
                ValidateCommand.printErrors(e, err);
                err.println("cannot find the admin API in " + configFile + ": give --admin URL");
                return Optional.empty();
            }
        }
        Optional<AdminClient> client = client(section);
        if (client.isEmpty()) {
            if (section.isPresent()) {
                err.println(configFile + ": the admin listener has port 0 (a free port picked at start: see the log "
                        + "line \"admin API and dashboard listening on\"); give --admin URL");
            } else {
                err.println(configFile + " has no admin section, so there is no running instance to ask (expected: "
                        + "admin: { listen: \"127.0.0.1:2019\" } in it, or --admin URL)");
            }
        }
        return client;
    }

    /** The message for a refused or failed request, with what to do about a 401. */
    static String refusal(AdminClient.Response r) {
        return r.status() == 401 ? r.detail() + " (give --token TOKEN or set " + TOKEN_ENV + ")" : r.detail();
    }
}
