package dev.gatehouse.config;

import java.nio.file.Path;

/** Reads a YAML config file into a validated {@link GatehouseConfig}, reporting every error with its position. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** Loads and validates the file. */
    public static GatehouseConfig load(Path file) throws ConfigException {
        throw new UnsupportedOperationException("not yet written");
    }

    /** Parses and validates YAML text; {@code source} names the file in messages and anchors relative paths. */
    public static GatehouseConfig parse(String yaml, Path source) throws ConfigException {
        throw new UnsupportedOperationException("not yet written");
    }
}
