package dev.gatehouse.cli;

import dev.gatehouse.certificates.CertificateStatus;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of {@code gatehouse certs}: one per {@link CertificateStatus}, whether read from storage or from a running
 * instance's admin API, formatted for a terminal.
 */
final class CertificateTable {
    static final String NONE_YET = "none yet";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String[] HEADER = {"NAME", "SOURCE", "ISSUER", "NOT AFTER", "NEXT RENEWAL", "LAST ERROR"};

    /** One name; {@code inConfig} false for names only found in storage. */
    record Row(String name, boolean inConfig, String source, String issuer, String notAfter, String nextRenewal,
               String lastError) {
        String[] cells() {
            return new String[] {inConfig ? name : name + " *", source, issuer, notAfter, nextRenewal, lastError};
        }
    }

    private final Clock clock;

    CertificateTable(Clock clock) {
        this.clock = clock;
    }

    List<Row> rows(List<CertificateStatus> statuses) {
        return statuses.stream().map(this::row).toList();
    }

    private Row row(CertificateStatus s) {
        boolean none = s.source().equals(CertificateStatus.NONE);
        String next;
        if (s.isFiles()) {
            next = s.lastError().isPresent() ? "-" : "reloaded when the files change";
        } else {
            next = s.nextRenewal().map(this::nextRenewal).orElse(none && s.inConfig() ? "when gatehouse runs" : "-");
        }
        return new Row(s.name(), s.inConfig(), none ? NONE_YET : s.source(), s.issuer().orElse("-"),
                s.notAfter().map(this::notAfter).orElse("-"), next, s.lastError().map(CertificateTable::oneLine).orElse("-"));
    }

    /** Writes {@code rows} as aligned columns; the last column (errors) is never padded or cut. */
    static void print(List<Row> rows, PrintWriter out) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        rows.forEach(r -> lines.add(r.cells()));
        int[] widths = new int[HEADER.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
    }

    private String notAfter(Instant at) {
        if (!at.isAfter(clock.instant())) {
            return TIME.format(at) + " (EXPIRED)";
        }
        long days = java.time.Duration.between(clock.instant(), at).toDays();
        return TIME.format(at) + " (" + days + (days == 1 ? " day)" : " days)");
    }

    private String nextRenewal(Instant at) {
        return at.isAfter(clock.instant()) ? TIME.format(at) : "due now";
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ");
    }
}
