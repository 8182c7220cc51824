package dev.gatehouse.acme.dns;

import dev.gatehouse.config.DnsSettings;
import dev.gatehouse.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code provider: exec}: runs the user's program for any DNS service Gatehouse has no provider for (a cloud CLI, a
 * script): {@code command... present|cleanup NAME VALUE}, with the same in the environment
 * ({@code GATEHOUSE_DNS_ACTION}, {@code GATEHOUSE_DNS_NAME}, {@code GATEHOUSE_DNS_VALUE}, {@code GATEHOUSE_DNS_ZONE},
 * {@code GATEHOUSE_DNS_DOMAIN}). Exit 0 is success; its output (stdout and stderr) is logged line by line; a run
 * longer than {@code timeout} is killed and fails.
 */
final class ExecProvider implements DnsProvider {
    private static final Logger log = LoggerFactory.getLogger(ExecProvider.class);
    /** Output lines kept for the error message of a failed run. */
    private static final int TAIL_LINES = 5;

    private final DnsSettings.Exec settings;

    ExecProvider(DnsSettings.Exec settings) {
        this.settings = settings;
    }

    @Override
    public void present(TxtRecord record) throws DnsException, InterruptedException {
        run("present", record, DnsException.Step.PRESENT);
    }

    @Override
    public void cleanup(TxtRecord record) throws DnsException, InterruptedException {
        run("cleanup", record, DnsException.Step.CLEANUP);
    }

    private void run(String action, TxtRecord record, DnsException.Step step) throws DnsException, InterruptedException {
        List<String> command = new ArrayList<>(settings.command());
        command.addAll(List.of(action, record.name(), record.value()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("GATEHOUSE_DNS_ACTION", action);
        env.put("GATEHOUSE_DNS_NAME", record.name());
        env.put("GATEHOUSE_DNS_VALUE", record.value());
        env.put("GATEHOUSE_DNS_ZONE", record.zone());
        env.put("GATEHOUSE_DNS_DOMAIN", record.domain());
        String program = settings.command().get(0);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw failure(step, record, "cannot run " + program + ": " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close(); // a program that reads its input gets end-of-file, not a hang
        } catch (IOException ignored) {
            // it exited already
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> logOutput(process, action, record, tail), "gatehouse-dns-exec");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw failure(step, record, program + " " + action + " killed after " + Durations.format(settings.timeout())
                        + " (exec timeout)" + tail(tail), null);
            }
            reader.join(1000);
            if (process.exitValue() != 0) {
                throw failure(step, record, program + " " + action + " exited with " + process.exitValue() + tail(tail), null);
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
        log.info("dns zone={} exec {} {} TXT {} at {}: done", record.zone(), program, action, record.value(), record.name());
    }

    private static void logOutput(Process process, String action, TxtRecord record, Deque<String> tail) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.info("dns zone={} exec {} {}: {}", record.zone(), action, record.name(), line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            log.debug("dns exec output closed: {}", e.toString());
        }
    }

    private static String tail(Deque<String> tail) {
        synchronized (tail) {
            return tail.isEmpty() ? "" : "; last output: " + String.join(" | ", tail);
        }
    }

    private static DnsException failure(DnsException.Step step, TxtRecord record, String detail, Throwable cause) {
        return new DnsException(step, Optional.of(record.zone()), Optional.empty(), Optional.empty(), detail, cause);
    }
}
