package dev.gatehouse.cli;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.storage.CertificateStore;
import dev.gatehouse.storage.FileStorage;
import dev.gatehouse.storage.Storage;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** {@code --config FILE} for the commands that work on a config's sites and storage. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "gatehouse.yaml",
            description = "config file; certificates live in its storage: directory (default: ${DEFAULT-VALUE})")
    Path file;

    /** The config, or empty after printing every error with its position to {@code err}. */
    Optional<GatehouseConfig> load(PrintWriter err) {
        try {
            return Optional.of(ConfigLoader.load(file));
        } catch (ConfigException e) {
            ValidateCommand.printErrors(e, err);
            return Optional.empty();
        }
    }

    static CertificateStore storage(GatehouseConfig config) {
        return new CertificateStore(new FileStorage(config.storage()));
    }
}
