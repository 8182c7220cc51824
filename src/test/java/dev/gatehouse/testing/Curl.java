package dev.gatehouse.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Runs the real curl and reads what it got: status, response head (lower case) and body. */
public final class Curl {
    /** One answer. {@code headers} is the whole response head, lower-cased. */
    public record Response(int status, String headers, String body) {
        /** The first value of a response header (name in any case), or null. */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : headers.split("\r?\n")) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            return null;
        }
    }

    private Curl() {
    }

    /** curl with {@code args} (the URL last); fails the test when curl itself fails (exit code not 0). */
    public static Response run(String... args) throws IOException, InterruptedException {
        Path headers = Files.createTempFile("curl-headers", ".txt");
        try {
            List<String> command = new ArrayList<>(List.of(path(), "-sS", "--max-time", "20",
                    "-D", headers.toString(), "-o", "-", "-w", "\n%{http_code}"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("curl did not finish: " + command);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("curl exited " + p.exitValue() + ": " + command + "\n" + out);
            }
            int cut = out.lastIndexOf('\n');
            return new Response(Integer.parseInt(out.substring(cut + 1).trim()),
                    Files.readString(headers).toLowerCase(Locale.ROOT), out.substring(0, cut));
        } finally {
            Files.deleteIfExists(headers);
        }
    }

    private static String path() {
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, "curl"))) {
                return dir + "/curl";
            }
        }
        throw new AssertionError("curl is not installed (apt-get install -y curl)");
    }
}
