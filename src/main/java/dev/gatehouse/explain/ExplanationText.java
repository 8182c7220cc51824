package dev.gatehouse.explain;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints an explanation for people, from its JSON values ({@link ExplanationJson}): the same text whether it was
 * found in this process from a file or by the running instance through its admin API.
 */
public final class ExplanationText {
    private static final String INDENT = "             ";

    private final Clock clock;

    public ExplanationText(Clock clock) {
        this.clock = clock;
    }

    /** Prints {@code e}; returns whether the request would be refused. */
    public boolean print(Map<String, Object> e, PrintWriter out) {
        Map<String, Object> request = map(e.get("request"));
        out.println(text(request.get("method")) + " " + text(request.get("url")) + "  from " + text(request.get("client"))
                + (request.get("peer") == null ? "" : " (X-Forwarded-For, through the trusted proxy "
                + request.get("peer") + ")")
                + (Boolean.TRUE.equals(request.get("client_given")) ? "" : " (any client; --client IP picks one)"));
        for (Object h : list(request.get("headers"))) {
            out.println("  " + h);
        }
        out.println(label("config") + text(e.get("origin")));
        Map<String, Object> listener = map(e.get("listener"));
        out.println(label("listener") + (Boolean.TRUE.equals(listener.get("on"))
                ? text(listener.get("scheme")) + " on port " + number(listener.get("port"))
                : text(listener.get("note"))));
        if (Boolean.TRUE.equals(listener.get("on")) && listener.get("note") != null) {
            out.println(INDENT + text(listener.get("note")));
        }
        Map<String, Object> site = map(e.get("site"));
        out.println(label("site") + (site.get("name") == null ? text(site.get("how"))
                : text(site.get("name")) + ", by " + text(site.get("how")) + at(site.get("at"))));
        routes(list(e.get("routes")), out);
        stages(list(e.get("stages")), out);
        action(map(e.get("action")), out);
        if (e.get("certificate") != null) {
            out.println(label("certificate") + certificate(map(e.get("certificate"))));
        }
        out.println(label("plain http") + text(e.get("plain_http")));
        Map<String, Object> outcome = map(e.get("outcome"));
        boolean refused = Boolean.TRUE.equals(outcome.get("refused"));
        out.println(label("outcome") + text(outcome.get("summary")));
        out.flush();
        return refused;
    }

    private static void routes(List<Object> routes, PrintWriter out) {
        if (routes.isEmpty()) {
            return;
        }
        out.println("routes:");
        for (Object o : routes) {
            Map<String, Object> r = map(o);
            List<Object> conditions = list(r.get("conditions"));
            String written = conditions.isEmpty() ? "(no conditions: every request)"
                    : String.join(", ", conditions.stream().map(String::valueOf).toList());
            Map<String, Object> at = map(r.get("at"));
            out.println("  #" + (number(r.get("index")) + 1) + " " + (at.isEmpty() ? "" : place(at) + "  ") + written
                    + (Boolean.TRUE.equals(r.get("matched")) ? "   <- matches" : ""));
            if (!Boolean.TRUE.equals(r.get("matched"))) {
                out.println("       does not match: " + text(r.get("why")));
            }
        }
    }

    private static void stages(List<Object> stages, PrintWriter out) {
        if (stages.isEmpty()) {
            out.println(label("stages") + "none");
            return;
        }
        out.println("stages:");
        for (Object o : stages) {
            Map<String, Object> s = map(o);
            Map<String, Object> at = map(s.get("at"));
            String from = text(s.get("where")) + (at.isEmpty() ? "" : " " + place(at) + ": " + text(at.get("text")));
            out.println("  " + text(s.get("key")) + " (" + from + ")" + (Boolean.TRUE.equals(s.get("reached")) ? ""
                    : " not reached"));
            out.println("       " + text(s.get("effect")) + (s.get("answers") == null ? ""
                    : " -> " + number(s.get("answers")) + (s.get("location") == null ? "" : " " + s.get("location"))));
        }
    }

    private static void action(Map<String, Object> a, PrintWriter out) {
        out.println(label("action") + text(a.get("summary")) + at(a.get("at"))
                + (Boolean.TRUE.equals(a.get("reached")) ? "" : " (not reached: a stage answers first)"));
        for (Object d : list(a.get("details"))) {
            out.println(INDENT + d);
        }
        Map<String, Object> pool = map(a.get("pool"));
        if (!pool.isEmpty()) {
            List<Object> targets = list(pool.get("targets"));
            for (Object o : targets) {
                Map<String, Object> t = map(o);
                out.printf("%s  %-22s weight %-4d %-9s %d in flight  %s%n", INDENT, text(t.get("address")),
                        number(t.get("weight")), text(t.get("health")), number(t.get("in_flight")),
                        Boolean.TRUE.equals(t.get("usable")) ? "usable, " + number(t.get("share")) + "%"
                                : "not usable: " + text(t.get("why")));
            }
            if (number(pool.get("status")) > 0) {
                out.println(INDENT + text(pool.get("how")));
            }
        }
    }

    private String certificate(Map<String, Object> c) {
        List<String> parts = new ArrayList<>();
        parts.add(text(c.get("name")));
        parts.add("source " + text(c.get("source")));
        if (c.get("issuer") != null) {
            parts.add("issuer " + c.get("issuer"));
        }
        if (c.get("not_after") != null) {
            parts.add(expiry(String.valueOf(c.get("not_after"))));
        }
        if (c.get("error") != null) {
            parts.add("last error: " + c.get("error"));
        }
        if (c.get("note") != null) {
            parts.add(String.valueOf(c.get("note")));
        }
        return String.join(", ", parts);
    }

    private String expiry(String notAfter) {
        try {
            Instant end = Instant.parse(notAfter);
            long days = Duration.between(clock.instant(), end).toDays();
            return end.isBefore(clock.instant()) ? "EXPIRED " + notAfter
                    : "expires " + notAfter + " (in " + days + (days == 1 ? " day)" : " days)");
        } catch (DateTimeParseException e) {
            return "expires " + notAfter;
        }
    }

    private static String label(String name) {
        return String.format("%-13s", name + ":");
    }

    private static String at(Object at) {
        Map<String, Object> m = map(at);
        return m.isEmpty() ? "" : " (" + place(m) + ")";
    }

    private static String place(Map<String, Object> at) {
        return at.get("file") + ":" + number(at.get("line"));
    }

    private static String text(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }
}
