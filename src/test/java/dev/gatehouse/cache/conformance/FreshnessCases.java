package dev.gatehouse.cache.conformance;

import static dev.gatehouse.cache.conformance.Case.after;
import static dev.gatehouse.cache.conformance.Case.check;
import static dev.gatehouse.cache.conformance.Case.optimal;
import static dev.gatehouse.cache.conformance.Case.required;
import static dev.gatehouse.cache.conformance.Templates.becomeStale;
import static dev.gatehouse.cache.conformance.Templates.cached;
import static dev.gatehouse.cache.conformance.Templates.notCached;
import static dev.gatehouse.cache.conformance.Templates.storedWith;
import static dev.gatehouse.cache.conformance.Templates.storedWithRaw;

import java.util.ArrayList;
import java.util.List;

/**
 * Freshness (RFC 9111 §4.2): max-age and s-maxage (§5.2.2.1, §5.2.2.10) and their syntax (§5.2, §1.2.2), Age
 * (§5.1, §4.2.3), Expires (§5.3) and HTTP-date (RFC 9110 §5.6.7), heuristics (§4.2.2).
 */
final class FreshnessCases {
    private FreshnessCases() {
    }

    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        out.addAll(maxAge());
        out.addAll(syntax());
        out.addAll(age());
        out.addAll(expires());
        out.addAll(heuristic());
        return out;
    }

    private static List<Case> maxAge() {
        String none = "freshness-none";
        String maxAge = "freshness-max-age";
        String shared = "freshness-s-maxage-shared";
        return List.of(
                check(none, after(), Step.req().setup().pause(), notCached()),
                optimal(maxAge, after(none), storedWith("Cache-Control", "max-age=3600"), cached()),
                required("freshness-max-age-stale", after(maxAge), becomeStale(), notCached()),
                required("freshness-max-age-0", after(none), storedWith("Cache-Control", "max-age=0"), notCached()),
                optimal("freshness-max-age-max-minus-1", after(none),
                        storedWith("Cache-Control", "max-age=2147483647"), cached()),
                optimal("freshness-max-age-max", after(none), storedWith("Cache-Control", "max-age=2147483648"),
                        cached()),
                optimal("freshness-max-age-max-plus-1", after(none),
                        storedWith("Cache-Control", "max-age=2147483649"), cached()),
                optimal("freshness-max-age-max-plus", after(none), storedWith("Cache-Control", "max-age=99999999999"),
                        cached()),
                required("freshness-max-age-age", after(maxAge), Step.req().respDate("Date", 0)
                        .resp("Cache-Control", "max-age=3600").resp("Age", "7200").setup().pause(), notCached()),
                check("freshness-max-age-date", after(maxAge), Step.req().respDate("Date", -7200)
                        .resp("Cache-Control", "max-age=3600").setup().pause(), notCached()),
                optimal("freshness-max-age-expires", after(maxAge), Step.req().resp("Cache-Control", "max-age=3600")
                        .respDate("Expires", -7200).respDate("Date", 0).setup().pause(), cached()),
                optimal("freshness-max-age-expires-invalid", after(maxAge), Step.req()
                        .resp("Cache-Control", "max-age=3600").respRaw("Expires", "0").respDate("Date", 0).setup()
                        .pause(), cached()),
                required("freshness-max-age-0-expires", after(none), Step.req().respDate("Expires", 3600)
                        .resp("Cache-Control", "max-age=0").respDate("Date", 0).setup().pause(), notCached()),
                optimal("freshness-max-age-extension", after(maxAge),
                        storedWith("Cache-Control", "foobar, max-age=3600"), cached()),
                optimal("freshness-max-age-case-insensitive", after(maxAge),
                        storedWith("Cache-Control", "MaX-aGe=3600"), cached()),
                required("freshness-max-age-negative", after(none), storedWith("Cache-Control", "max-age=-3600"),
                        notCached()),
                required(shared, after(none), storedWith("Cache-Control", "s-maxage=3600"), cached()),
                required("freshness-max-age-s-maxage-shared-longer", after(shared),
                        storedWith("Cache-Control", "max-age=3600, s-maxage=1"), notCached()),
                required("freshness-max-age-s-maxage-shared-longer-reversed", after(shared),
                        storedWith("Cache-Control", "s-maxage=1, max-age=3600"), notCached()),
                required("freshness-max-age-s-maxage-shared-longer-multiple", after(shared), Step.req()
                        .resp("Cache-Control", "max-age=3600").resp("Cache-Control", "s-maxage=1").setup().pause(),
                        notCached()),
                optimal("freshness-max-age-s-maxage-shared-shorter", after(shared),
                        storedWith("Cache-Control", "max-age=1, s-maxage=3600"), cached()),
                optimal("freshness-max-age-s-maxage-shared-shorter-expires", after(shared), Step.req()
                        .respDate("Expires", -10).resp("Cache-Control", "max-age=0, s-maxage=3600").setup().pause(),
                        cached()));
    }

    /** §5.2: directives are tokens with token or quoted-string arguments; §1.2.2 delta-seconds. */
    private static List<Case> syntax() {
        String none = "freshness-none";
        String maxAge = "freshness-max-age";
        return List.of(
                check("freshness-max-age-two-fresh-stale-sameline", after(none),
                        storedWithRaw("Cache-Control", "max-age=1800, max-age=1"), cached()),
                check("freshness-max-age-two-fresh-stale-sepline", after(none), Step.req()
                        .respRaw("Cache-Control", "max-age=1800").respRaw("Cache-Control", "max-age=1").setup()
                        .pause(), cached()),
                check("freshness-max-age-two-stale-fresh-sameline", after(none),
                        storedWithRaw("Cache-Control", "max-age=1, max-age=1800"), cached()),
                check("freshness-max-age-two-stale-fresh-sepline", after(none), Step.req()
                        .respRaw("Cache-Control", "max-age=1").respRaw("Cache-Control", "max-age=1800").setup()
                        .pause(), cached()),
                check("freshness-max-age-quoted", after(maxAge), storedWithRaw("Cache-Control", "max-age=\"3600\""),
                        cached()),
                required("freshness-max-age-ignore-quoted", after(maxAge),
                        storedWithRaw("Cache-Control", "extension=\"max-age=3600\", max-age=1"), notCached()),
                required("freshness-max-age-ignore-quoted-rev", after(maxAge),
                        storedWithRaw("Cache-Control", "max-age=1, extension=\"max-age=3600\""), notCached()),
                check("freshness-max-age-space-before-equals", after(none),
                        storedWithRaw("Cache-Control", "max-age =3600"), notCached()),
                check("freshness-max-age-space-after-equals", after(none),
                        storedWithRaw("Cache-Control", "max-age= 3600"), notCached()),
                required("freshness-max-age-leading-zero", after(none),
                        storedWithRaw("Cache-Control", "max-age=003600"), cached()),
                required("freshness-max-age-single-quoted", after(none),
                        storedWithRaw("Cache-Control", "max-age='3600'"), notCached()),
                check("freshness-max-age-decimal-zero", after(none), storedWithRaw("Cache-Control", "max-age=3600.0"),
                        cached()),
                check("freshness-max-age-decimal-five", after(none), storedWithRaw("Cache-Control", "max-age=3600.5"),
                        cached()),
                check("freshness-max-age-a100", after(none), storedWithRaw("Cache-Control", "max-age=a3600"),
                        cached()),
                check("freshness-max-age-100a", after(none), storedWithRaw("Cache-Control", "max-age=3600a"),
                        cached()));
    }

    /** §5.1: Age is a delta-seconds; §4.2.3: the first value counts, an invalid one is ignored. */
    private static List<Case> age() {
        List<Case> out = new ArrayList<>();
        String[][] single = {
            {"age-parse-nonnumeric", "abc", "cached"}, {"age-parse-negative", "-7200", "cached"},
            {"age-parse-float", "7200.0", "cached"}, {"age-parse-large-minus-one", "2147483647", "stale"},
            {"age-parse-large", "2147483648", "stale"}, {"age-parse-larger", "2147483649", "stale"},
            {"age-parse-suffix", "7200, 0", "stale"}, {"age-parse-prefix", "0, 7200", "cached"},
            {"age-parse-dup-0", "0, 0", "cached"},
        };
        for (String[] a : single) {
            out.add(required(a[0], after("freshness-max-age-age"), Step.req().respDate("Date", 0)
                    .resp("Cache-Control", "max-age=3600").respRaw("Age", a[1]).setup().pause(),
                    a[2].equals("cached") ? cached() : notCached()));
        }
        String[][] twoLines = {
            {"age-parse-suffix-twoline", "7200", "0", "3600", "stale"},
            {"age-parse-prefix-twoline", "0", "7200", "3600", "cached"},
            {"age-parse-dup-0-twoline", "0", "0", "3600", "cached"},
            {"age-parse-dup-old", "3600", "3600", "10000", "cached"},
        };
        for (String[] a : twoLines) {
            out.add(required(a[0], after("freshness-max-age-age"), Step.req().respDate("Date", 0)
                    .resp("Cache-Control", "max-age=" + a[3]).respRaw("Age", a[1]).respRaw("Age", a[2]).setup()
                    .pause(), a[4].equals("cached") ? cached() : notCached()));
        }
        out.add(check("age-parse-parameter", after("freshness-max-age-age"), Step.req().respDate("Date", 0)
                .resp("Cache-Control", "max-age=3600").respRaw("Age", "7200;foo=bar").setup().pause(), notCached()));
        out.add(check("age-parse-numeric-parameter", after("freshness-max-age-age"), Step.req().respDate("Date", 0)
                .resp("Cache-Control", "max-age=3600").respRaw("Age", "7200;foo=111").setup().pause(), notCached()));
        return out;
    }

    private static List<Case> expires() {
        String future = "freshness-expires-future";
        List<Case> out = new ArrayList<>(List.of(
                optimal(future, after("freshness-none"), Step.req().respDate("Expires", 30L * 24 * 60 * 60)
                        .respDate("Date", 0).setup().pause(), cached()),
                required("freshness-expires-past", after(future), Step.req()
                        .respDate("Expires", -30L * 24 * 60 * 60).respDate("Date", 0).setup().pause(), notCached()),
                required("freshness-expires-present", after("freshness-none"), Step.req().respDate("Expires", 0)
                        .respDate("Date", 0).setup(), notCached()),
                required("freshness-expires-old-date", after(future), Step.req().respDate("Expires", 300)
                        .respDate("Date", 400).setup().pause(), notCached()),
                required("freshness-expires-invalid", after(future), Step.req().respRaw("Expires", "0")
                        .respDate("Date", 0).setup().pause(), notCached()),
                optimal("freshness-expires-invalid-date", after(future), Step.req().respRaw("Date", "foo")
                        .respDate("Expires", 10).setup(), cached()),
                required("freshness-expires-age-slow-date", after(future), Step.req().respDate("Date", -10)
                        .respDate("Expires", 10).resp("Age", "25").setup(), notCached()),
                required("freshness-expires-age-fast-date", after(future), Step.req().respDate("Date", 10)
                        .respDate("Expires", 20).resp("Age", "15").setup(), notCached())));
        String[][] parse = {
            {"freshness-expires-32bit", "Tue, 19 Jan 2038 14:14:08 GMT", "cached", "optimal"},
            {"freshness-expires-far-future", "Sun, 21 Nov 2286 04:46:39 GMT", "cached", "optimal"},
            {"freshness-expires-rfc850", "Thursday, 18-Aug-50 02:01:18 GMT", "cached", "optimal"},
            {"freshness-expires-ansi-c", "Thu Aug  8 02:01:18 2050", "cached", "optimal"},
            {"freshness-expires-wrong-case-weekday", "THU, 18 Aug 2050 02:01:18 GMT", "cached", "optimal"},
            {"freshness-expires-wrong-case-month", "Thu, 18 AUG 2050 02:01:18 GMT", "cached", "optimal"},
            {"freshness-expires-wrong-case-tz", "Thu, 18 Aug 2050 02:01:18 gMT", "cached", "optimal"},
            {"freshness-expires-invalid-utc", "Thu, 18 Aug 2050 02:01:18 UTC", "stale", "required"},
            {"freshness-expires-invalid-aest", "Thu, 18 Aug 2050 02:01:18 AEST", "stale", "required"},
            {"freshness-expires-invalid-2-digit-year", "Thu, 18 Aug 50 02:01:18 GMT", "stale", "required"},
            {"freshness-expires-invalid-no-comma", "Thu 18 Aug 2050 02:01:18 GMT", "stale", "required"},
            {"freshness-expires-invalid-multiple-spaces", "Thu, 18  Aug  2050 02:01:18 GMT", "stale", "required"},
            {"freshness-expires-invalid-date-dashes", "Thu, 18-Aug-2050 02:01:18 GMT", "stale", "required"},
            {"freshness-expires-invalid-time-periods", "Thu, 18 Aug 2050 02.01.18 GMT", "stale", "required"},
            {"freshness-expires-invalid-1-digit-hour", "Thu, 18 Aug 2050 2:01:18 GMT", "stale", "required"},
        };
        for (String[] p : parse) {
            Step stored = Step.req().respRaw("Expires", p[1]).respDate("Date", 0).setup().pause();
            Step second = p[2].equals("cached") ? cached() : notCached();
            out.add(p[3].equals("required") ? required(p[0], after(future), stored, second)
                    : optimal(p[0], after(future), stored, second));
        }
        out.add(required("freshness-expires-invalid-multiple-lines", after(future), Step.req()
                .respRaw("Expires", "Thu, 18 Aug 2050 2:01:18 GMT").respRaw("Expires", "Thu, 18 Aug 2050 2:01:19 GMT")
                .respDate("Date", 0).setup(), notCached()));
        return out;
    }

    /** RFC 9110 §15.1: only some status codes may be reused without explicit freshness; Gatehouse's default: none. */
    private static List<Case> heuristic() {
        List<Case> out = new ArrayList<>();
        Object[][] statuses = {
            {true, 200, "OK"}, {false, 201, "Created"}, {false, 202, "Accepted"},
            {true, 203, "Non-Authoritative Information"}, {true, 204, "No Content"}, {false, 403, "Forbidden"},
            {true, 404, "Not Found"}, {true, 405, "Method Not Allowed"}, {true, 410, "Gone"},
            {true, 414, "URI Too Long"}, {true, 501, "Not Implemented"}, {false, 502, "Bad Gateway"},
            {false, 503, "Service Unavailable"}, {false, 504, "Gateway Timeout"}, {false, 599, "Unknown"},
        };
        for (Object[] s : statuses) {
            boolean reusable = (Boolean) s[0];
            int code = (Integer) s[1];
            out.add(heuristicCase(reusable, code, (String) s[2], null));
        }
        out.add(heuristicCase(true, 599, "Unknown", "public"));
        return out;
    }

    private static Case heuristicCase(boolean reusable, int code, String phrase, String cacheControl) {
        String body = code == 204 ? null : "heuristic body " + code;
        Step first = Step.req().status(code, phrase).respDate("Last-Modified", -24 * 60 * 60).respDate("Date", 0)
                .setup();
        Step second = Step.req().status(code, phrase).expect(reusable ? Step.Type.CACHED : Step.Type.NOT_CACHED);
        if (cacheControl != null) {
            first.resp("Cache-Control", cacheControl);
        }
        if (body == null) {
            first.noBody();
            second.noBody();
        } else {
            first.respBody(body);
            second.respBody(body);
        }
        String id = "heuristic-" + code + "-" + (reusable ? "cached" : "not_cached") + (cacheControl == null ? ""
                : "-" + cacheControl);
        return reusable ? optimal(id, after(), first, second) : required(id, after(), first, second);
    }
}
