package dev.gatehouse.cache.conformance;

import static dev.gatehouse.cache.conformance.Case.after;
import static dev.gatehouse.cache.conformance.Case.check;
import static dev.gatehouse.cache.conformance.Case.optimal;
import static dev.gatehouse.cache.conformance.Case.required;
import static dev.gatehouse.cache.conformance.Templates.becomeStale;
import static dev.gatehouse.cache.conformance.Templates.fresh;

import java.util.ArrayList;
import java.util.List;

/**
 * Validation (RFC 9111 §4.3): conditional requests the cache answers (§4.3.2) and sends (§4.3.1), freshening stored
 * responses with a 304 (§4.3.4), and ranges from stored responses (§3.4, RFC 9110 §14).
 */
final class ValidationCases {
    /** Fields a 304 must refresh (§3.2), and one it must not (the body's length is the stored one's). */
    static final List<String> UPDATED_BY_304 = List.of("Test-Header", "X-Test-Header", "Content-Foo", "X-Content-Foo");

    private ValidationCases() {
    }

    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        out.addAll(answered());
        out.addAll(sent());
        out.addAll(freshened());
        out.addAll(ranges());
        return out;
    }

    private static Step conditional() {
        return Step.req().expect(Step.Type.CACHED).expectStatus(304);
    }

    /** §4.3.2: a fresh stored response answers the client's own conditionals. */
    private static List<Case> answered() {
        String strong = "conditional-etag-strong-respond";
        String weak = "conditional-etag-weak-respond";
        return List.of(
                optimal(strong, after("freshness-max-age"), fresh().resp("ETag", "\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "\"abcdef\"")),
                required("conditional-304-etag", after(strong), fresh().resp("ETag", "\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "\"abcdef\"").expectHeader("ETag", "\"abcdef\"")),
                required("conditional-etag-precedence", after(strong), fresh().respDate("Last-Modified", -5000)
                        .resp("ETag", "\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "\"abcdef\"").magicIms(-1)),
                check("conditional-etag-strong-respond-obs-text", after(strong), fresh().resp("ETag", "\"abcdef\u00fc\""),
                        conditional().reqHeader("If-None-Match", "\"abcdef\u00fc\"")
                                .expectHeader("ETag", "\"abcdef\u00fc\"")),
                check("conditional-etag-quoted-respond-unquoted", after(strong), fresh().resp("ETag", "\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "abcdef")),
                check("conditional-etag-unquoted-respond-unquoted", after(strong), fresh().resp("ETag", "abcdef"),
                        conditional().reqHeader("If-None-Match", "abcdef")),
                check("conditional-etag-unquoted-respond-quoted", after(strong), fresh().resp("ETag", "abcdef"),
                        conditional().reqHeader("If-None-Match", "\"abcdef\"")),
                optimal(weak, after("freshness-max-age"), fresh().resp("ETag", "W/\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "W/\"abcdef\"")),
                check("conditional-etag-weak-respond-lowercase", after(weak), fresh().resp("ETag", "w/\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "w/\"abcdef\"")),
                check("conditional-etag-weak-respond-omit-slash", after(weak), fresh().resp("ETag", "W\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "W\"abcdef\"")),
                optimal("conditional-etag-strong-respond-multiple-first", after(strong),
                        fresh().resp("ETag", "\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "\"abcdef\", \"1234\", \"5678\"")),
                optimal("conditional-etag-strong-respond-multiple-second", after(strong),
                        fresh().resp("ETag", "\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "\"1234\", \"abcdef\", \"5678\"")),
                optimal("conditional-etag-strong-respond-multiple-last", after(strong),
                        fresh().resp("ETag", "\"abcdef\""),
                        conditional().reqHeader("If-None-Match", "\"1234\", \"5678\", \"abcdef\"")),
                optimal("conditional-lm-fresh", after(), Step.req().resp("Cache-Control", "max-age=100000")
                        .respDate("Last-Modified", -3000).respDate("Date", 0).setup().pause(),
                        conditional().magicIms(0)),
                optimal("conditional-lm-fresh-earlier", after(), Step.req().resp("Cache-Control", "max-age=100000")
                        .respDate("Last-Modified", -3000).respDate("Date", 0).setup().pause(),
                        conditional().magicIms(1000)),
                optimal("conditional-lm-stale", after(), Step.req().resp("Cache-Control", "max-age=2")
                        .respDate("Last-Modified", -3000).respDate("Date", 0).setup().pause(),
                        Step.req().magicIms(0).expect(Step.Type.LM_VALIDATED).expectStatus(304)));
    }

    /** §4.3.1: a stale response is revalidated with its validators and the request fields Vary names. */
    private static List<Case> sent() {
        return List.of(
                required("conditional-etag-vary-headers", after(), Step.req().reqHeader("Abc", "123")
                        .respDate("Expires", 1).resp("ETag", "\"abcdef\"").respDate("Date", 0).resp("Vary", "Abc")
                        .setup().pause(),
                        Step.req().reqHeader("Abc", "123").expect(Step.Type.ETAG_VALIDATED)
                                .expectRequestHeader("Abc", "123").setupChecks("type")),
                check("conditional-etag-vary-headers-mismatch", after("conditional-etag-vary-headers", "vary-no-match"),
                        Step.req().reqHeader("Abc", "123").respDate("Expires", 10000).resp("ETag", "\"abcdef\"")
                                .respDate("Date", 0).resp("Vary", "Abc").setup().pause(),
                        Step.req().reqHeader("Abc", "456").expectRequestHeader("If-None-Match", "\"abcdef\"")),
                optimal("conditional-etag-strong-generate", after("freshness-max-age-stale"),
                        becomeStale().resp("ETag", "\"abcdef\""),
                        Step.req().expectRequestHeader("If-None-Match", "\"abcdef\"")
                                .expect(Step.Type.ETAG_VALIDATED)),
                optimal("conditional-etag-weak-generate-weak", after("freshness-max-age-stale"),
                        becomeStale().resp("ETag", "W/\"abcdef\""),
                        Step.req().expectRequestHeader("If-None-Match", "W/\"abcdef\"")
                                .expect(Step.Type.ETAG_VALIDATED)),
                check("conditional-etag-forward", after(), Step.req().reqHeader("If-None-Match", "\"abcdef\"")
                        .expectRequestHeader("If-None-Match", "\"abcdef\"")));
    }

    /** §4.3.4: a 304 refreshes the stored fields (all but the body's framing). */
    private static List<Case> freshened() {
        String lm = "Wed, 01 Jan 2020 00:00:00 GMT";
        String base = "304-lm-use-stored-Test-Header";
        List<Case> out = new ArrayList<>();
        out.add(required(base, after(), Step.req().resp("Cache-Control", "max-age=2").resp("Last-Modified", lm)
                        .respDate("Date", 0).resp("Test-Header", "value-A").setup().pause(),
                Step.req().resp("Last-Modified", lm).respDate("Date", 0).expect(Step.Type.LM_VALIDATED)
                        .expectHeader("Test-Header", "value-A").setupChecks("type")));
        for (String name : UPDATED_BY_304) {
            out.add(required("304-etag-update-response-" + name, after(base),
                    updateSteps(name, "value-A-" + name, "value-B-" + name, true, true)));
        }
        out.add(required("304-etag-update-response-Cache-Control", after(base),
                updateSteps("Cache-Control", "max-age=1", "max-age=3600", true, true)));
        out.add(required("304-etag-update-response-Content-Length", after(base),
                updateSteps("Content-Length", "5", "10", false, false)));
        String[][] open = {
            {"Content-Encoding", "enc-a", "enc-b"}, {"Content-Location", "/foo", "/bar"},
            {"Content-Type", "text/plain", "text/plain;charset=utf-8"}, {"ETag", "\"abcdef\"", "\"ghijkl\""},
            {"Expires", "Fri, 01 Jan 2038 01:01:01 GMT", "Mon, 11 Jan 2038 11:11:11 GMT"},
            {"Set-Cookie", "a=b", "a=c"}, {"X-Frame-Options", "deny", "sameorigin"},
        };
        for (String[] f : open) {
            out.add(check("304-etag-update-response-" + f[0], after(base), updateSteps(f[0], f[1], f[2], true, true)));
        }
        return out;
    }

    /**
     * A response with {@code name: a} stored, revalidated with a 304 carrying {@code name: b}, then reused: the
     * answers show {@code b} (or {@code a} when a 304 may not change the field).
     */
    private static Step[] updateSteps(String name, String a, String b, boolean updated, boolean checked) {
        String etag = "\"etag-" + name.toLowerCase(java.util.Locale.ROOT) + "\"";
        String expected = updated ? b : a;
        Step first = withField(Step.req(), name, a, checked, etag).setup().pause();
        Step second = withField(Step.req(), name, b, checked, etag).expect(Step.Type.ETAG_VALIDATED)
                .setupChecks("type").expectHeader(name, expected);
        Step third = withField(Step.req(), name, expected, checked, null).expect(Step.Type.CACHED)
                .setupChecks("type").expectHeader(name, expected);
        if (name.equals("Content-Length")) {
            first.noBodyCheck();
            second.noBodyCheck();
            third.noBodyCheck();
        }
        return new Step[] {first, second, third};
    }

    private static Step withField(Step s, String name, String value, boolean checked, String etag) {
        s.respDate("Date", 0);
        if (checked) {
            s.resp(name, value);
        } else {
            s.respRaw(name, value);
        }
        if (!name.equals("Cache-Control")) {
            s.resp("Cache-Control", "max-age=2");
        }
        if (etag != null && !name.equals("ETag")) {
            s.resp("ETag", etag);
        }
        return s;
    }

    /** Ranges answered from a stored complete response, with its stored fields (§3.4, RFC 9110 §14). */
    private static List<Case> ranges() {
        String complete = "partial-store-complete-reuse-partial";
        return List.of(
                optimal("partial-store-partial-reuse-partial", after("freshness-max-age"), Step.req()
                        .reqHeader("Range", "bytes=-5").status(206, "Partial Content")
                        .resp("Cache-Control", "max-age=3600").resp("Content-Range", "bytes 4-9/10")
                        .respBody("01234").expectRequestHeader("Range", "bytes=-5").setup(),
                        Step.req().reqHeader("Range", "bytes=-5").expect(Step.Type.CACHED).expectStatus(206)
                                .expectText("01234")),
                optimal(complete, after("freshness-max-age"), Step.req().resp("Cache-Control", "max-age=3600")
                        .respBody("01234567890").setup(),
                        Step.req().reqHeader("Range", "bytes=0-1").expect(Step.Type.CACHED).expectStatus(206)
                                .expectText("01")),
                optimal("partial-store-complete-reuse-partial-no-last", after("freshness-max-age"), Step.req()
                        .resp("Cache-Control", "max-age=3600").respBody("01234567890").setup(),
                        Step.req().reqHeader("Range", "bytes=1-").expect(Step.Type.CACHED).expectStatus(206)
                                .expectText("1234567890")),
                optimal("partial-store-complete-reuse-partial-suffix", after("freshness-max-age"), Step.req()
                        .resp("Cache-Control", "max-age=3600").respBody("0123456789A").setup(),
                        Step.req().reqHeader("Range", "bytes=-1").expect(Step.Type.CACHED).expectStatus(206)
                                .expectText("A")),
                required("partial-use-headers", after(complete), Step.req().resp("Cache-Control", "max-age=3600")
                        .resp("A", "1").respBody("01234567890").setup(),
                        Step.req().reqHeader("Range", "bytes=0-1").expect(Step.Type.CACHED).expectStatus(206)
                                .expectText("01").setupChecks("type", "status", "text").resp("A", "2")),
                required("partial-use-stored-headers", after(complete), Step.req()
                        .resp("Cache-Control", "max-age=3600").resp("A", "1").respBody("01234567890").setup(),
                        Step.req().reqHeader("Range", "bytes=0-1").expect(Step.Type.CACHED).expectStatus(206)
                                .expectText("01").setupChecks("type", "status", "text").expectHeader("A", "1")));
    }
}
