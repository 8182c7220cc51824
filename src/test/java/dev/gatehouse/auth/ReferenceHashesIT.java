package dev.gatehouse.auth;

import dev.gatehouse.testing.Tools;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Hashes made by the reference tools (Apache's htpasswd, the argon2 reference implementation) check out here. */
class ReferenceHashesIT {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void htpasswdBcrypt() throws Exception {
        String line = Tools.run("htpasswd", "apache2-utils", null, "-nbB", "-C", "5", "alice", "s3cret").trim();
        PasswordHash apache = PasswordHash.parse(line.substring("alice:".length()));
        assertThat(apache).isInstanceOf(PasswordHash.Bcrypt.class);
        assertThat(apache.matches(utf8("s3cret"))).isTrue();
        assertThat(apache.matches(utf8("s3cre"))).isFalse();
    }

    @Test
    void argon2ReferenceImplementation() throws Exception {
        PasswordHash reference = PasswordHash.parse(Tools.run("argon2", "argon2", "pass word", "somesalt", "-id",
                "-t", "2", "-m", "10", "-p", "2", "-e").trim());
        assertThat(reference).isInstanceOf(PasswordHash.Argon2id.class);
        assertThat(reference.matches(utf8("pass word"))).isTrue();
        assertThat(reference.matches(utf8("pass wore"))).isFalse();
    }

    @Test
    void hashPasswordPrintsOnlyTheHashOnOneLine() throws Exception {
        String jar = System.getProperty("gatehouse.jar");
        for (String algorithm : new String[] {"argon2id", "bcrypt"}) {
            Process p = new ProcessBuilder(java(), "-jar", jar, "hash-password", "--algorithm", algorithm, "--cost", "4")
                    .start();
            try (var in = p.getOutputStream()) {
                in.write(utf8("hunter2 ünïcode\n"));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            assertThat(out).endsWith("\n").doesNotContain("Password");
            assertThat(out.strip().lines().count()).isEqualTo(1);
            assertThat(PasswordHash.parse(out.strip()).matches(utf8("hunter2 ünïcode"))).isTrue();
        }
        Process empty = new ProcessBuilder(java(), "-jar", jar, "hash-password").start();
        empty.getOutputStream().close();
        assertThat(new String(empty.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
        assertThat(empty.waitFor()).isEqualTo(1);
        assertThat(new String(empty.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("no password");
    }

    private static String java() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
