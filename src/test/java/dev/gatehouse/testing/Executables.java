package dev.gatehouse.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the programs the tests drive (knotd, unbound, ...) on PATH or in the sbin directories Debian puts daemons in. */
public final class Executables {
    private Executables() {
    }

    /**
     * @param debianPackage the package that ships it, for the message when it is missing
     * @throws AssertionError saying how to install it
     */
    public static Path find(String name, String debianPackage) {
        List<String> dirs = new java.util.ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(name + " not found (expected: the Debian package; run: apt-get install -y "
                + debianPackage + ")");
    }
}
