package dev.gatehouse.cli;

import dev.gatehouse.config.GatehouseConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/** A command that works on a config ({@code --config FILE}): a bad config prints its errors and exits 1. */
abstract class ConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<GatehouseConfig> cfg = config.load(err);
        try {
            return cfg.isEmpty() ? 1 : run(cfg.get(), out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command's work with a valid config; returns the exit code. */
    abstract int run(GatehouseConfig cfg, PrintWriter out, PrintWriter err) throws Exception;
}
