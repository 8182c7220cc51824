package dev.gatehouse.cli;

import dev.gatehouse.admin.AdminClient;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code gatehouse status}: what the running instance is doing, from {@code GET /status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show what the running Gatehouse is doing: listeners, sites with their certificates, pools, "
                + "recent errors.",
        footer = {"", "Asks the admin API (admin: { listen: ... } in the config, or --admin URL). The dashboard at the "
                + "same address shows the same, live."})
final class StatusCommand extends InstanceCommand {

    @Override
    int run(AdminClient client, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        AdminClient.Response r = client.get("status");
        if (!r.ok()) {
            err.println("status: " + AdminOptions.refusal(r));
            return 1;
        }
        Map<String, Object> s = r.object();
        out.printf("gatehouse %s, up %s (since %s)%n", s.get("version"),
                uptime(number(s.get("uptime_seconds"))), s.get("started"));
        out.println("config:       " + s.get("config"));
        out.println("listeners:    " + listeners(s.get("listeners")));
        out.println("admin:        " + client.base());
        out.println("sites:        " + s.get("sites"));
        AdminClient.Response sites = client.get("sites");
        if (sites.ok()) {
            for (Map<String, Object> site : AdminClient.objects(sites.object().get("sites"))) {
                out.println(site(site));
            }
        }
        List<Map<String, Object>> pools = AdminClient.objects(s.get("pools"));
        out.println("pools:        " + (pools.isEmpty() ? "none" : pools.size()));
        for (Map<String, Object> p : pools) {
            out.printf("  %-16s %d targets: %d healthy, %d unhealthy, %d unknown%s; %d in flight, %d requests%n",
                    p.get("name"), number(p.get("targets")), number(p.get("healthy")), number(p.get("unhealthy")),
                    number(p.get("unknown")), extra(p), number(p.get("in_flight")), number(p.get("requests")));
        }
        Map<String, Object> certs = s.get("certificates") instanceof Map<?, ?> m ? cast(m) : Map.of();
        List<Map<String, Object>> attention = AdminClient.objects(certs.get("attention"));
        out.println("certificates: " + number(certs.get("total"))
                + (attention.isEmpty() ? ", none near expiry or failing" : ", " + attention.size() + " need attention:"));
        for (Map<String, Object> c : attention) {
            out.printf("  %-24s %s%s%n", c.get("name"), expiry(c),
                    c.get("last_error") == null ? "" : "; last error: " + c.get("last_error"));
        }
        List<Map<String, Object>> errors = AdminClient.objects(s.get("errors"));
        out.println(errors.isEmpty() ? "recent errors: none" : "recent errors:");
        for (Map<String, Object> e : errors) {
            out.printf("  %s %-5s %s - %s%n", e.get("time"), e.get("level"), e.get("logger"), e.get("message"));
        }
        return 0;
    }

    private static String listeners(Object value) {
        Map<String, Object> l = value instanceof Map<?, ?> m ? cast(m) : Map.of();
        List<String> addresses = l.get("addresses") instanceof List<?> list
                ? list.stream().map(String::valueOf).toList() : List.of("?");
        List<String> parts = new ArrayList<>();
        for (String kind : List.of("http", "https")) {
            if (l.get(kind) != null) {
                parts.add(kind + " " + addresses.stream().map(a -> (a.contains(":") ? "[" + a + "]" : a) + ":"
                        + l.get(kind)).collect(Collectors.joining(" ")));
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** {@code   app.example.com  acme  ok: expires in 63 days (2026-...), issuer X}. */
    private static String site(Map<String, Object> site) {
        Map<String, Object> c = site.get("certificate") instanceof Map<?, ?> m ? cast(m) : Map.of();
        String state;
        if (c.get("not_after") == null) {
            state = "no certificate yet";
        } else {
            String health = Boolean.TRUE.equals(c.get("expired")) ? "EXPIRED"
                    : Boolean.TRUE.equals(c.get("near_expiry")) ? "renewal due" : "ok";
            state = health + ": " + expiry(c) + (c.get("issuer") == null ? "" : ", issuer " + c.get("issuer"));
        }
        if (c.get("last_error") != null) {
            state += "; last error: " + String.valueOf(c.get("last_error")).replaceAll("\\s*\\R\\s*", " ");
        }
        return String.format("  %-24s %-8s %s", site.get("host"), site.get("tls"), state);
    }

    private static String extra(Map<String, Object> p) {
        String out = "";
        if (number(p.get("ejected")) > 0) {
            out += ", " + number(p.get("ejected")) + " ejected";
        }
        if (number(p.get("draining")) > 0) {
            out += ", " + number(p.get("draining")) + " draining";
        }
        return out;
    }

    private static String expiry(Map<String, Object> c) {
        if (c.get("days_left") == null) {
            return "no certificate";
        }
        long days = number(c.get("days_left"));
        return Boolean.TRUE.equals(c.get("expired")) ? "EXPIRED " + c.get("not_after")
                : "expires in " + days + (days == 1 ? " day" : " days") + " (" + c.get("not_after") + ")";
    }

    static String uptime(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m " + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }

    static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
