package dev.gatehouse.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool installed on the machine (argon2, htpasswd, ...) and returns its standard output. */
public final class Tools {
    private Tools() {
    }

    /** Where {@code name} is installed; fails saying which Debian package brings it. */
    public static String find(String name, String debianPackage) {
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        throw new AssertionError(name + " is not installed (apt-get install -y " + debianPackage + ")");
    }

    /**
     * Runs {@code name args} with {@code stdin} (null for none) and returns its standard output; fails when it exits
     * with another code than 0 or takes more than 60 seconds.
     */
    public static String run(String name, String debianPackage, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(find(name, debianPackage));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
