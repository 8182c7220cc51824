package dev.gatehouse.cache.conformance;

import dev.gatehouse.testing.RawConnection;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Plays one case: sends its requests to the cache one after the other (a fresh connection each), checks every
 * answer as it comes, then checks what reached the origin. The first check that fails decides the outcome: a
 * failure, or a setup failure when the check only set the case up.
 */
final class CaseRunner {
    /** How a case ended. */
    enum Result { PASS, FAIL, SETUP, DEPENDENCY }

    record Outcome(Result result, String message) {
        static final Outcome PASS = new Outcome(Result.PASS, "");
    }

    /** Three seconds, as the cases' lifetimes (max-age=2, and the like) expect. */
    static final long PAUSE_MILLIS = 3_000;

    private static final class Failed extends Exception {
        final boolean setup;

        Failed(boolean setup, String message) {
            super(message, null, false, false);
            this.setup = setup;
        }
    }

    private final ScriptedOrigin origin;
    private final int port;

    CaseRunner(ScriptedOrigin origin, int port) {
        this.origin = origin;
        this.port = port;
    }

    Outcome run(Case c) {
        String token = c.id() + "-" + UUID.randomUUID().toString().substring(0, 8);
        origin.register(token, c.steps());
        List<RawConnection.Response> responses = new ArrayList<>();
        try {
            for (int i = 0; i < c.steps().size(); i++) {
                Step step = c.steps().get(i);
                RawConnection.Response previous = i > 0 ? responses.get(i - 1) : null;
                Reply reply = send(token, step, i + 1, previous);
                responses.add(reply.response());
                checkResponse(token, step, i + 1, reply);
                if (step.pause) {
                    TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
                }
            }
            checkOrigin(c, token, responses);
            return Outcome.PASS;
        } catch (Failed f) {
            return new Outcome(f.setup ? Result.SETUP : Result.FAIL, f.getMessage());
        } catch (IOException e) {
            return new Outcome(Result.FAIL, "I/O: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Result.FAIL, "interrupted");
        }
    }

    /** The final response (null when the connection ended without one) and the interim ones before it. */
    private record Reply(RawConnection.Response response, List<Integer> interim) {
    }

    private Reply send(String token, Step step, int number, RawConnection.Response previous) throws IOException {
        StringBuilder target = new StringBuilder("/c/").append(token);
        if (step.filename != null) {
            target.append('/').append(step.filename);
        }
        if (step.query != null) {
            target.append('?').append(step.query);
        }
        StringBuilder req = new StringBuilder(step.method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\n");
        long now = System.currentTimeMillis();
        if (step.requestHeaders.isEmpty() && step.requestDates.isEmpty() && step.magicIms == null) {
            // What a client that wants no caching of its own sends; none of it may matter to the cache.
            req.append("Pragma: foo\r\nCache-Control: nothing-to-see-here\r\n");
        }
        for (String[] h : step.requestHeaders) {
            req.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        for (Object[] d : step.requestDates) {
            req.append(d[0]).append(": ").append(ScriptedOrigin.httpDate(now + (Long) d[1] * 1000)).append("\r\n");
        }
        if (step.magicIms != null && previous != null && previous.header("last-modified") != null) {
            long lm = java.time.ZonedDateTime.parse(previous.header("last-modified"),
                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            req.append("If-Modified-Since: ").append(ScriptedOrigin.httpDate(lm + step.magicIms * 1000))
                    .append("\r\n");
        }
        req.append("Test-ID: ").append(token).append("\r\nReq-Num: ").append(number).append("\r\n");
        byte[] body = step.requestBody == null ? new byte[0] : step.requestBody.getBytes(StandardCharsets.UTF_8);
        if (step.requestBody != null) {
            req.append("Content-Length: ").append(body.length).append("\r\n");
        }
        req.append("\r\n");
        try (RawConnection conn = RawConnection.connect(port)) {
            conn.send(req.toString());
            conn.send(body);
            List<Integer> interim = new ArrayList<>();
            boolean head = step.method.equals("HEAD");
            while (true) {
                RawConnection.Response r;
                try {
                    r = conn.read(head);
                } catch (EOFException e) {
                    return new Reply(null, interim);
                }
                if (r.status() >= 100 && r.status() < 200) {
                    interim.add(r.status());
                    continue;
                }
                return new Reply(r, interim);
            }
        }
    }

    private void checkResponse(String token, Step step, int number, Reply reply) throws Failed {
        RawConnection.Response r = reply.response();
        if (r == null) {
            check(step.anyStatus, step.isSetup("status"), "response " + number + ": no response at all");
            if (step.expectedHeaders.isEmpty()) {
                return;
            }
            throw new Failed(step.isSetup("headers"), "response " + number + ": no response to check");
        }
        String numbers = r.header("request-numbers");
        if (numbers != null) {
            // An answer from the origin that lists a request twice: the cache sent one request twice (a retry).
            List<String> seen = List.of(numbers.split(" "));
            check(new HashSet<>(seen).size() == seen.size(), true, "response " + number + ": retried " + numbers);
        }
        int served = parse(r.header("server-request-count"));
        boolean typeSetup = step.isSetup("type");
        if (step.type == Step.Type.CACHED) {
            check(r.status() == 304 && served < 0 || served > 0 && served < number, typeSetup,
                    "response " + number + " does not come from the cache (request " + served + " at the origin)");
        } else if (step.type == Step.Type.NOT_CACHED) {
            check(served == number, typeSetup, "response " + number + " comes from the cache");
        }
        if (!step.anyStatus) {
            if (step.expectedStatus != null) {
                check(r.status() == step.expectedStatus, step.isSetup("status"),
                        "response " + number + " status is " + r.status() + ", not " + step.expectedStatus);
            } else if (step.statusScripted) {
                check(r.status() == step.status, true,
                        "response " + number + " status is " + r.status() + ", not " + step.status);
            } else if (r.status() == 999) {
                throw new Failed(typeSetup, "request " + number + " should have been conditional, but was not");
            } else {
                check(r.status() == 200, true, "response " + number + " status is " + r.status() + ", not 200");
            }
        }
        boolean headersSetup = step.isSetup("headers");
        for (Step.Expected e : step.expectedHeaders) {
            String value = joined(r, e.name());
            if (e.op().equals("not")) {
                check(value == null || !value.contains((String) e.value()), headersSetup,
                        "response " + number + ": " + e.name() + " is \"" + value + "\"");
                continue;
            }
            check(value != null, headersSetup, "response " + number + ": " + e.name() + " missing");
            switch (e.op()) {
                case "==" -> check(value.equals(e.value()), headersSetup,
                        "response " + number + ": " + e.name() + " is \"" + value + "\", not \"" + e.value() + "\"");
                case "date" -> {
                    String want = ScriptedOrigin.httpDate(Long.parseLong(r.header("server-now"))
                            + (Long) e.value() * 1000);
                    check(value.equals(want), headersSetup,
                            "response " + number + ": " + e.name() + " is \"" + value + "\", not \"" + want + "\"");
                }
                case ">" -> check(parse(value) > (Long) e.value(), headersSetup,
                        "response " + number + ": " + e.name() + " is " + value + ", not above " + e.value());
                default -> { }
            }
        }
        for (String name : step.missingHeaders) {
            check(r.header(name) == null, headersSetup,
                    "response " + number + " has " + name + ": \"" + r.header(name) + "\"");
        }
        if (step.expectedInterim != null) {
            check(reply.interim().equals(step.expectedInterim), step.isSetup("interim"),
                    "response " + number + ": interim responses " + reply.interim() + ", not "
                            + step.expectedInterim);
        }
        checkBody(token, step, number, r);
    }

    private static void checkBody(String token, Step step, int number, RawConnection.Response r) throws Failed {
        if (!step.checkBody) {
            return;
        }
        String body = r.bodyText();
        if (step.expectedText != null) {
            check(body.equals(step.expectedText), step.isSetup("text"),
                    "response " + number + " body is \"" + body + "\", not \"" + step.expectedText + "\"");
        } else if (step.responseBody != null) {
            check(body.equals(step.responseBody), true,
                    "response " + number + " body is \"" + body + "\", not \"" + step.responseBody + "\"");
        } else if (!step.noBodyScripted && r.status() != 204 && r.status() != 304 && !step.method.equals("HEAD")) {
            check(body.equals(token), true, "response " + number + " body is \"" + body + "\", not the token");
        }
    }

    /** What the origin saw: validators, expected request fields and methods, and the checked response fields. */
    private void checkOrigin(Case c, String token, List<RawConnection.Response> responses) throws Failed {
        List<ScriptedOrigin.Received> received = origin.received(token);
        for (int i = 0; i < c.steps().size(); i++) {
            Step step = c.steps().get(i);
            int number = i + 1;
            if (step.type == Step.Type.CACHED) {
                continue;
            }
            ScriptedOrigin.Received at = received.stream().filter(r -> r.requestNum() == number).findFirst()
                    .orElse(null);
            boolean typeSetup = step.isSetup("type");
            String validator = step.type == Step.Type.ETAG_VALIDATED ? "if-none-match"
                    : step.type == Step.Type.LM_VALIDATED ? "if-modified-since" : null;
            if (validator != null) {
                check(at != null, typeSetup, "request " + number + " was not sent to the origin");
                check(at.headers().containsKey(validator), typeSetup, "request " + number + " has no " + validator);
            }
            if (at == null) {
                continue;
            }
            for (Step.RequestField f : step.expectedRequestHeaders) {
                String v = at.headers().get(f.name().toLowerCase(Locale.ROOT));
                check(f.value() == null ? v != null : f.value().equals(v), step.isSetup("request-headers"),
                        "request " + number + " " + f.name() + " is \"" + v + "\", not \"" + f.value() + "\"");
            }
            for (Step.RequestField f : step.missingRequestHeaders) {
                String v = at.headers().get(f.name().toLowerCase(Locale.ROOT));
                check(v == null, step.isSetup("request-headers"), "request " + number + " has " + f.name());
            }
            if (step.expectedMethod != null) {
                check(step.expectedMethod.equals(at.method()), step.isSetup("method"),
                        "request " + number + " had method " + at.method() + ", not " + step.expectedMethod);
            }
            RawConnection.Response response = responses.get(i);
            if (response != null && parse(response.header("client-request-count")) == number) {
                for (String name : at.checkedFields().stream().map(f -> f[0]).distinct().toList()) {
                    if (name.equalsIgnoreCase("date")) {
                        continue;
                    }
                    String want = at.checkedFields().stream().filter(f -> f[0].equalsIgnoreCase(name))
                            .map(f -> f[1]).collect(Collectors.joining(", "));
                    String got = joined(response, name);
                    check(want.equals(got), true,
                            "response " + number + " " + name + " is \"" + got + "\", not \"" + want + "\"");
                }
            }
        }
    }

    private static String joined(RawConnection.Response r, String name) {
        List<String> values = r.headerList().stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1])
                .toList();
        return values.isEmpty() ? null : String.join(", ", values);
    }

    private static void check(boolean ok, boolean setup, String message) throws Failed {
        if (!ok) {
            throw new Failed(setup, message);
        }
    }

    private static int parse(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
