package dev.gatehouse.cli;

import dev.gatehouse.auth.PasswordHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code gatehouse hash-password}: reads a password on standard input (asking twice, without echo, on a terminal;
 * the first line otherwise) and prints only its hash, on one line, on standard output, for {@code basic_auth.users}
 * or an htpasswd file. Prompts and errors go to standard error.
 */
@Command(name = "hash-password", mixinStandardHelpOptions = true, description = "Read a password on standard input and print its hash "
        + "(for basic_auth users or an htpasswd file).")
final class HashPasswordCommand implements Callable<Integer> {
    enum Algorithm { argon2id, bcrypt }

    @Option(names = "--algorithm", defaultValue = "argon2id",
            description = "argon2id (default; m=19456 KiB, t=2, p=1) or bcrypt ($2y$, what htpasswd -B writes)")
    Algorithm algorithm;

    @Option(names = "--cost", defaultValue = "" + PasswordHasher.BCRYPT_COST,
            description = "bcrypt cost, 4..31 (default ${DEFAULT-VALUE})")
    int cost;

    @Override
    public Integer call() throws IOException {
        if (cost < 4 || cost > 31) {
            System.err.println("hash-password: --cost " + cost + " (expected: 4..31)");
            return 2;
        }
        String password = read();
        if (password == null || password.isEmpty()) {
            System.err.println("hash-password: no password given (expected: the password on standard input)");
            return 1;
        }
        PasswordHasher hasher = new PasswordHasher();
        System.out.println(algorithm == Algorithm.bcrypt ? hasher.bcrypt(password, cost) : hasher.argon2id(password));
        System.out.flush();
        return 0;
    }

    /** From the terminal without echo (twice, to catch a typo), else the first line of standard input. */
    private static String read() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("Password: ");
            char[] second = first == null ? null : console.readPassword("Again: ");
            if (first == null || second == null) {
                return null;
            }
            if (!Arrays.equals(first, second)) {
                System.err.println("hash-password: the two passwords differ");
                return null;
            }
            return new String(first);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return in.readLine();
    }
}
