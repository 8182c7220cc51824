package dev.gatehouse.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by the build), "dev" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"gatehouse " + (v == null ? "dev" : v)};
    }
}
