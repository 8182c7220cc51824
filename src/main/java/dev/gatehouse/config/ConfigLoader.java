package dev.gatehouse.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads a YAML config file into a validated {@link GatehouseConfig}, reporting every error with its position.
 *
 * <p>The YAML is composed into a node tree (which keeps line and column of every key and value) and walked
 * by hand rather than bound to classes, so each message can point at the exact spot and every error in the
 * file is reported in one go.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads and validates the file (UTF-8). Relative paths in it are resolved against the file's directory.
     *
     * @throws ConfigException with every error found; an unreadable file gives one error at 1:1
     */
    public static GatehouseConfig load(Path file) throws ConfigException {
        return parse(read(file), file);
    }

    private static String read(Path file) throws ConfigException {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw unreadable(file, "no such file");
        } catch (AccessDeniedException e) {
            throw unreadable(file, "permission denied");
        } catch (IOException e) {
            throw unreadable(file, e.getMessage());
        }
        return Utf8Text.decode(bytes, file);
    }

    /**
     * Parses and validates YAML text; {@code source} names the file in messages and anchors relative paths.
     *
     * @throws ConfigException with every error found, in file order
     */
    public static GatehouseConfig parse(String yaml, Path source) throws ConfigException {
        return parse(yaml, source, AdminReader.systemEnv());
    }

    /** {@link #parse(String, Path)} with the environment given (tests). */
    static GatehouseConfig parse(String yaml, Path source, Function<String, String> env) throws ConfigException {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(source, "source");
        Problems problems = new Problems(source);
        Optional<Node> root = compose(EnvExpansion.shield(yaml), source, problems)
                .map(n -> EnvExpansion.expand(n, yaml, env, problems));
        if (!problems.isEmpty()) {
            // A syntax error leaves no tree to check further; an unset variable leaves values that mean nothing.
            throw new ConfigException(problems.sorted());
        }
        if (root.isEmpty() || YamlNodes.isNull(root.get())) {
            problems.at(Optional.empty(), "the config is empty (expected: at least a sites: map)", null);
        } else if (!(root.get() instanceof MappingNode mapping)) {
            problems.at(root.get(), "", "expected a map of settings like sites: and upstreams:, got "
                    + YamlNodes.describe(root.get()));
        } else {
            ConfigValidator validator = new ConfigValidator(problems);
            GatehouseConfig config = new ConfigReader(source, problems, validator, env).read(mapping);
            validator.validate(config);
            if (problems.isEmpty()) {
                return config;
            }
        }
        throw new ConfigException(problems.sorted());
    }

    /**
     * Only the {@code admin:} section of a file, for commands that talk to a running instance: they must work while
     * the rest of the file is being edited (that is when one runs {@code gatehouse reload}).
     *
     * @return empty when the file has no admin section
     * @throws ConfigException when the file cannot be read or parsed as YAML, or the admin section has errors
     */
    public static Optional<Admin> loadAdmin(Path file) throws ConfigException {
        Problems problems = new Problems(file);
        String yaml = read(file);
        Optional<Node> root = compose(EnvExpansion.shield(yaml), file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        // Errors elsewhere in the file are not this reader's business: they go to a throwaway list. A variable that
        // cannot be expanded in the admin section stays as written and the admin reader reports the value.
        Problems elsewhere = new Problems(file);
        root = root.map(n -> EnvExpansion.expand(n, yaml, AdminReader.systemEnv(), elsewhere));
        if (root.isEmpty() || !(root.get() instanceof MappingNode mapping)) {
            return Optional.empty();
        }
        YamlMap map = YamlMap.fields(mapping, "", ConfigReader.ROOT_KEYS, elsewhere).orElseThrow();
        Optional<Admin> admin = new ConfigReader(file, problems, new ConfigValidator(elsewhere),
                AdminReader.systemEnv()).adminReader().read(map);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.sorted());
        }
        return admin;
    }

    private static Optional<Node> compose(String yaml, Path source, Problems problems) {
        LoadSettings settings = LoadSettings.builder().setLabel(source.toString()).build();
        try {
            return new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            String context = e.getContext();
            problems.at(e.getProblemMark().or(e::getContextMark), "invalid YAML: " + e.getProblem(),
                    context == null || context.isBlank() ? null : context);
        } catch (YamlEngineException e) {
            problems.at(Optional.empty(), "invalid YAML: " + e.getMessage(), null);
        }
        return Optional.empty();
    }

    private static ConfigException unreadable(Path file, String why) {
        return new ConfigException(List.of(new ConfigError(file, 1, 1,
                "cannot read the config file: " + why, Optional.empty())));
    }
}
