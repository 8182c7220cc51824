package dev.gatehouse.cache.conformance;

import static dev.gatehouse.cache.conformance.Case.after;
import static dev.gatehouse.cache.conformance.Case.optimal;
import static dev.gatehouse.cache.conformance.Case.required;
import static dev.gatehouse.cache.conformance.Templates.cached;
import static dev.gatehouse.cache.conformance.Templates.fresh;
import static dev.gatehouse.cache.conformance.Templates.notCached;

import java.util.ArrayList;
import java.util.List;

/**
 * What is stored of a response (RFC 9111 §3.1: every field but the hop-by-hop ones), which responses a request
 * selects (§4.1, Vary), invalidation by unsafe methods (§4.4), and the fields of answers made from the cache (§4,
 * §5.1 Age, RFC 9110 §6.6.1 Date).
 */
final class StorageCases {
    /** Fields a cache stores and answers with; a value each (the name's own when none is given). */
    private static final String[][] STORED = {
        {"Test-Header"}, {"X-Test-Header"}, {"Content-Foo"}, {"X-Content-Foo"}, {"Cache-Control", "max-age=3600"},
        {"Content-Encoding"}, {"Content-Length", "10"}, {"Content-Location", "/bar"},
        {"Content-MD5", "N7UdGUp1E+RbVvZSTy1R8g=="}, {"Content-Range"},
        {"Content-Security-Policy", "default-src 'self' cdn.example.com"},
        {"Content-Type", "text/plain;charset=utf-8"}, {"Clear-Site-Data", "cookies"}, {"ETag", "\"ghijkl\""},
        {"Expires", "Mon, 11 Jan 2038 11:11:11 GMT"}, {"Public-Key-Pins"}, {"Set-Cookie", "a=c"},
        {"Set-Cookie2", "a=c"}, {"X-Frame-Options", "sameorigin"}, {"X-XSS-Protection", "1; mode=block"},
    };
    /** Hop-by-hop fields (RFC 9110 §7.6.1): never stored. */
    private static final String[] HOP_BY_HOP = {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authentication-Info", "Proxy-Authorization",
        "Proxy-Connection", "TE", "Transfer-Encoding", "Upgrade",
    };

    private StorageCases() {
    }

    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        out.addAll(fields());
        out.addAll(vary());
        out.addAll(invalidation());
        out.addAll(answers());
        return out;
    }

    private static List<Case> fields() {
        List<Case> out = new ArrayList<>();
        out.add(required("headers-omit-headers-listed-in-Connection", after("freshness-max-age"),
                fresh().respRaw("Connection", "a, b").respRaw("a", "1").respRaw("b", "2").respRaw("c", "3"),
                cached().expectHeader("c", "3").expectMissing("a").expectMissing("b")
                        .setupChecks("type", "headers")));
        for (String[] f : STORED) {
            String name = f[0];
            String value = f.length > 1 ? f[1] : "value-of-" + name.toLowerCase(java.util.Locale.ROOT);
            Step first = Step.req().respDate("Date", 0).resp(name, value).setup().pause();
            if (!name.equals("Cache-Control")) {
                first.resp("Cache-Control", "max-age=3600");
            }
            Step second = cached().expectHeader(name, value).setupChecks("type");
            if (name.equals("Content-Length")) {
                first.noBodyCheck();
                second.noBodyCheck();
            }
            out.add(required("headers-store-" + name, after("freshness-max-age"), first, second));
        }
        for (String name : HOP_BY_HOP) {
            String value = "hop-" + name.toLowerCase(java.util.Locale.ROOT);
            Step first = Step.req().respDate("Date", 0).respRaw(name, value).resp("Cache-Control", "max-age=3600")
                    .setup().pause();
            Step second = cached().expectNotValue(name, value).setupChecks("type");
            out.add(required("headers-store-" + name, after("freshness-max-age"), first, second));
        }
        return out;
    }

    private static Step varied(String... requestFields) {
        Step s = Step.req().resp("Cache-Control", "max-age=5000").respDate("Last-Modified", -3000)
                .respDate("Date", 0).setup();
        for (int i = 0; i < requestFields.length; i += 2) {
            s.reqHeader(requestFields[i], requestFields[i + 1]);
        }
        return s;
    }

    private static List<Case> vary() {
        String match = "vary-match";
        String two = "vary-2-match";
        String three = "vary-3-match";
        List<Case> out = new ArrayList<>(List.of(
                optimal(match, after("freshness-max-age"), varied("Foo", "1").resp("Vary", "Foo"),
                        cached().reqHeader("Foo", "1")),
                required("vary-no-match", after(match), varied("Foo", "1").resp("Vary", "Foo"),
                        notCached().reqHeader("Foo", "2")),
                required("vary-omit-stored", after(match), varied().resp("Vary", "Foo"),
                        notCached().reqHeader("Foo", "1")),
                required("vary-omit", after(match), varied("Foo", "1").resp("Vary", "Foo"), notCached()),
                optimal("vary-invalidate", after(match), varied("Foo", "1").resp("Vary", "Foo").respBody("foo one"),
                        notCached().reqHeader("Foo", "2").resp("Cache-Control", "max-age=5000")
                                .respDate("Last-Modified", -3000).respDate("Date", 0).resp("Vary", "Foo")
                                .respBody("foo two").setup(),
                        cached().reqHeader("Foo", "1").respBody("foo one")),
                optimal("vary-cache-key", after(match), varied("Foo", "1", "Other", "2").resp("Vary", "Foo"),
                        cached().reqHeader("Foo", "1").reqHeader("Other", "3")),
                optimal(two, after(match), varied("Foo", "1", "Bar", "abc").respRaw("Vary", "Foo, Bar"),
                        cached().reqHeader("Foo", "1").reqHeader("Bar", "abc")),
                required("vary-2-no-match", after(two), varied("Foo", "1", "Bar", "abc").respRaw("Vary", "Foo, Bar"),
                        notCached().reqHeader("Foo", "2").reqHeader("Bar", "abc")),
                required("vary-2-match-omit", after(two), varied("Foo", "1", "Bar", "abc")
                        .respRaw("Vary", "Foo, Bar"), notCached()),
                optimal(three, after(two), varied("Foo", "1", "Bar", "abc", "Baz", "789")
                        .respRaw("Vary", "Foo, Bar, Baz"),
                        cached().reqHeader("Foo", "1").reqHeader("Bar", "abc").reqHeader("Baz", "789")),
                required("vary-3-no-match", after(three), varied("Foo", "1", "Bar", "abc", "Baz", "789")
                        .respRaw("Vary", "Foo, Bar, Baz"),
                        notCached().reqHeader("Foo", "2").reqHeader("Bar", "abc").reqHeader("Baz", "789")),
                required("vary-3-order", after(three), varied("Foo", "1", "Bar", "abc", "Baz", "789")
                        .respRaw("Vary", "Foo, Bar, Baz"),
                        notCached().reqHeader("Foo", "1").reqHeader("Baz", "789").reqHeader("Bar", "abcde")),
                optimal("vary-3-omit", after(three), varied("Foo", "1", "Baz", "789").respRaw("Vary", "Foo, Bar, Baz"),
                        cached().reqHeader("Foo", "1").reqHeader("Baz", "789")),
                required("vary-star", after(), varied("Foo", "1", "Baz", "789").resp("Vary", "*"),
                        notCached().reqHeader("Foo", "1").reqHeader("Baz", "789")),
                optimal("vary-normalise-combine", after(match), varied("Foo", "1, 2").resp("Vary", "Foo"),
                        cached().reqHeader("Foo", "1").reqHeader("Foo", "2")),
                optimal("vary-normalise-lang-order", after(match), varied("Accept-Language", "en, de")
                        .resp("Vary", "Accept-Language"), cached().reqHeader("Accept-Language", "de, en")),
                optimal("vary-normalise-lang-case", after(match), varied("Accept-Language", "en, de")
                        .resp("Vary", "Accept-Language"), cached().reqHeader("Accept-Language", "eN, De")),
                optimal("vary-normalise-lang-space", after(match), varied("Accept-Language", "en, de")
                        .resp("Vary", "Accept-Language"), cached().reqHeader("Accept-Language", " en ,   de")),
                optimal("vary-normalise-space", after(match), varied("Foo", "1,2").resp("Vary", "Foo"),
                        cached().reqHeader("Foo", " 1, 2 "))));
        String[][] stars = {
            {"vary-syntax-star", "*"}, {"vary-syntax-star-star", "*, *"}, {"vary-syntax-empty-star", ", *"},
            {"vary-syntax-star-foo", "*, Foo"}, {"vary-syntax-foo-star", "Foo, *"},
        };
        for (String[] s : stars) {
            out.add(required(s[0], after(match), varied("Foo", "1", "Baz", "789").respRaw("Vary", s[1]),
                    notCached().reqHeader("Foo", "1").reqHeader("Baz", "789")));
        }
        out.add(required("vary-syntax-star-star-lines", after(match), varied("Foo", "1", "Baz", "789")
                .respRaw("Vary", "*").respRaw("Vary", "*"), notCached().reqHeader("Foo", "1").reqHeader("Baz", "789")));
        out.add(required("vary-syntax-empty-star-lines", after(match), varied("Foo", "1", "Baz", "789")
                .respRaw("Vary", "").respRaw("Vary", "*"), notCached().reqHeader("Foo", "1").reqHeader("Baz", "789")));
        return out;
    }

    private static Step target(String file) {
        return Step.req().file(file).resp("Cache-Control", "max-age=100000").respDate("Last-Modified", 0)
                .respDate("Date", 0);
    }

    private static Step unsafe(String method) {
        return Step.req().method(method).body("abc").resp("Location", "location_target")
                .resp("Content-Location", "content_location_target").magicLocations().setup();
    }

    private static List<Case> invalidation() {
        List<Case> out = new ArrayList<>();
        for (String method : List.of("POST", "PUT", "DELETE", "M-SEARCH")) {
            String id = "invalidate-" + method;
            out.add(required(id, after("freshness-max-age"), fresh(), Step.req().method(method).body("abc").setup(),
                    notCached()));
            out.add(optimal(id + "-failed", after(id), fresh(), Step.req().method(method).body("abc")
                    .status(500, "Internal Server Error").setup(), cached()));
            out.add(Case.check(id + "-location", after(id), target("location_target").setup(), unsafe(method),
                    target("location_target").expect(Step.Type.NOT_CACHED)));
            out.add(Case.check(id + "-cl", after(id), target("content_location_target").setup(), unsafe(method),
                    target("content_location_target").expect(Step.Type.NOT_CACHED)));
        }
        return out;
    }

    private static List<Case> answers() {
        return List.of(
                required("other-age-gen", after("freshness-max-age"), fresh().pause(),
                        cached().expectGreater("Age", 2)),
                required("other-age-update-expires", after("freshness-expires-future"), Step.req()
                        .respDate("Expires", 30L * 24 * 60 * 60).respDate("Date", 0).resp("Age", "30").setup()
                        .pause(), cached().expectGreater("Age", 32)),
                required("other-age-update-max-age", after("freshness-max-age"), fresh().resp("Age", "30").pause(),
                        cached().expectGreater("Age", 32)),
                required("other-date-update", after("freshness-max-age"), fresh(), cached().expectDate("Date", 0)),
                required("other-date-update-expires", after("freshness-expires-future"), Step.req()
                        .respDate("Expires", 30L * 24 * 60 * 60).respDate("Date", 0).setup().pause(),
                        cached().expectDate("Date", 0)),
                Case.check("other-date-update-expires-update", after("freshness-expires-future"), Step.req()
                        .respDate("Expires", 30L * 24 * 60 * 60).respDate("Date", 0).setup().pause(),
                        cached().expectDate("Expires", 30L * 24 * 60 * 60)),
                required("query-args-different", after("freshness-max-age"), fresh().query("test=one"),
                        notCached().query("test=two")),
                optimal("query-args-same", after("freshness-max-age"), fresh().query("test=same"),
                        cached().query("test=same")),
                optimal("other-set-cookie", after("freshness-max-age"), fresh().resp("Set-Cookie", "a=b"), cached()),
                optimal("other-cookie", after("freshness-max-age"), fresh(), cached().reqHeader("Cookie", "a=b")),
                optimal("method-POST", after(), Step.req().method("POST").body("12345")
                        .reqHeader("Content-Type", "text/plain").respDate("Expires", 30L * 24 * 60 * 60)
                        .resp("Content-Location", "").respDate("Date", 0).magicLocations().pause().setup(),
                        cached()));
    }
}
