package dev.gatehouse.cli;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.ListenerBindException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code gatehouse run [--config FILE]}: serve until SIGTERM or SIGINT, then stop gracefully (in-flight requests
 * get the configured shutdown grace) and exit 0. SIGHUP reloads the config file, as does a change to it on disk.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the server.",
        footer = {"", "SIGTERM or SIGINT stop it gracefully; SIGHUP reloads the config file, as does a change to it."})
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "gatehouse.yaml",
            description = "config file (default: ${DEFAULT-VALUE})")
    Path config;

    @Override
    public Integer call() throws Exception {
        GatehouseConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            ValidateCommand.printErrors(e);
            System.err.println("not started: fix the config and run again");
            return 1;
        }
        return serve(cfg, config.toString(), true);
    }

    /**
     * Starts {@code cfg} and serves until SIGTERM or SIGINT, then stops gracefully; returns the exit code.
     *
     * @param origin          where the config came from, for the start line
     * @param reloadOnHangup  whether SIGHUP reloads the config file (there is none behind a generated config)
     */
    static int serve(GatehouseConfig cfg, String origin, boolean reloadOnHangup) throws InterruptedException {
        GatehouseServer server = new GatehouseServer(cfg);
        try {
            server.start();
        } catch (ListenerBindException e) {
            // Says which listener and address; the transport's exception adds only its errno.
            log.error("not started: {}", e.getMessage());
            return 1;
        } catch (Exception e) {
            boolean privileged = String.valueOf(e.getMessage()).contains("Permission denied");
            log.error("not started: {}{}", e.toString(), privileged
                    ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE; or choose ports above 1023)" : "");
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTerminate(stop::countDown);
        if (reloadOnHangup) {
            Signals.onHangup(() -> server.reloadAsync("SIGHUP"));
        }
        log.info("gatehouse started with {} ({} sites)", origin, cfg.sites().size());
        stop.await();
        Duration grace = server.config().timeouts().shutdown(); // a reload may have changed it
        log.info("stopping: finishing in-flight requests (up to {}s)", grace.toSeconds());
        server.stop(grace);
        log.info("stopped");
        return 0;
    }
}
