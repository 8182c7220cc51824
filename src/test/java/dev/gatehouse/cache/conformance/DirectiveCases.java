package dev.gatehouse.cache.conformance;

import static dev.gatehouse.cache.conformance.Case.after;
import static dev.gatehouse.cache.conformance.Case.check;
import static dev.gatehouse.cache.conformance.Case.optimal;
import static dev.gatehouse.cache.conformance.Case.required;
import static dev.gatehouse.cache.conformance.Templates.becomeStale;
import static dev.gatehouse.cache.conformance.Templates.cached;
import static dev.gatehouse.cache.conformance.Templates.fresh;
import static dev.gatehouse.cache.conformance.Templates.notCached;

import java.util.ArrayList;
import java.util.List;

/**
 * Response directives other than freshness (RFC 9111 §5.2.2), serving stale responses (§4.2.4, RFC 5861),
 * authenticated requests (§3.5), status codes (§3, RFC 9110 §15) and request directives (§5.2.1).
 */
final class DirectiveCases {
    private DirectiveCases() {
    }

    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        out.addAll(response());
        out.addAll(stale());
        out.addAll(authorization());
        out.addAll(statuses());
        out.addAll(request());
        return out;
    }

    private static List<Case> response() {
        return List.of(
                required("cc-resp-private-shared", after(), Step.req().resp("Cache-Control", "private, max-age=3600")
                        .setup(), notCached()),
                required("cc-resp-no-store", after(), Step.req().resp("Cache-Control", "no-store").setup(),
                        notCached()),
                required("cc-resp-no-store-case-insensitive", after("cc-resp-no-store"), Step.req()
                        .resp("Cache-Control", "No-StOrE").setup(), notCached()),
                required("cc-resp-no-store-fresh", after("cc-resp-no-store"), Step.req()
                        .resp("Cache-Control", "max-age=10000, no-store").respDate("Expires", 10000)
                        .respDate("Date", 0).setup(), notCached()),
                required("cc-resp-no-store-old-new", after("cc-resp-no-store"), Step.req()
                        .resp("Cache-Control", "max-age=10000").respDate("Expires", 10000).respDate("Date", 0)
                        .resp("A", "1").setup().pause(), Step.req().resp("Cache-Control", "no-store")
                        .respDate("Date", 0).resp("A", "2").setup().pause(), cached().expectHeader("a", "1")),
                required("cc-resp-no-store-old-max-age", after("cc-resp-no-store"), Step.req()
                        .resp("Cache-Control", "max-age=10000").respDate("Expires", 10000).respDate("Date", 0)
                        .resp("A", "1").setup().pause(), Step.req().resp("Cache-Control", "no-store, max-age=0")
                        .respDate("Date", 0).resp("A", "2").setup().pause(), cached().expectHeader("a", "1")),
                required("cc-resp-no-cache", after(), Step.req().resp("Cache-Control", "max-age=10000, no-cache")
                        .respDate("Expires", 10000).respDate("Date", 0).setup(), notCached()),
                required("cc-resp-no-cache-case-insensitive", after("cc-resp-no-cache"), Step.req()
                        .resp("Cache-Control", "max-age=10000, No-CaChE").respDate("Expires", 10000)
                        .respDate("Date", 0).setup(), notCached()),
                optimal("cc-resp-no-cache-revalidate", after("cc-resp-no-cache"), Step.req()
                        .resp("Cache-Control", "no-cache").resp("ETag", "\"abcd\"").setup(),
                        Step.req().expect(Step.Type.ETAG_VALIDATED)),
                optimal("cc-resp-no-cache-revalidate-fresh", after("cc-resp-no-cache"), Step.req()
                        .resp("Cache-Control", "max-age=10000, no-cache").respDate("Expires", 10000)
                        .respDate("Date", 0).resp("ETag", "\"abcd\"").setup(),
                        Step.req().expect(Step.Type.ETAG_VALIDATED)),
                check("headers-omit-headers-listed-in-Cache-Control-no-cache-single",
                        after("cc-resp-no-cache-revalidate"), Step.req().resp("Cache-Control", "no-cache=\"a\"")
                                .resp("a", "1").resp("b", "2").resp("Cache-Control", "max-age=3600")
                                .respDate("Date", 0).setup().pause(),
                        cached().expectHeader("b", "2").expectMissing("a").setupChecks("type")),
                check("headers-omit-headers-listed-in-Cache-Control-no-cache", after("cc-resp-no-cache-revalidate"),
                        Step.req().resp("Cache-Control", "no-cache=\"a, b\"").resp("a", "1").resp("b", "2")
                                .resp("c", "3").resp("Cache-Control", "max-age=3600").respDate("Date", 0).setup()
                                .pause(),
                        cached().expectHeader("c", "3").expectMissing("a").expectMissing("b").setupChecks("type")),
                optimal("cc-resp-must-revalidate-fresh", after("freshness-none"), Step.req()
                        .resp("Cache-Control", "max-age=10000, must-revalidate").resp("ETag", "\"abcd\"").setup(),
                        cached()),
                required("cc-resp-must-revalidate-stale", after("freshness-none"), Step.req()
                        .resp("Cache-Control", "max-age=2, must-revalidate").resp("ETag", "\"abcd\"").setup(),
                        cached().setup().pause().resp("Cache-Control", "max-age=2, must-revalidate")
                                .resp("ETag", "\"abcd\""),
                        Step.req().expect(Step.Type.ETAG_VALIDATED)));
    }

    /** The origin goes away: only what may be served stale is (§4.2.4). */
    private static Step closedAndNotStale() {
        return Step.req().disconnect().anyStatus().noBodyCheck().expectMissing("server-request-count");
    }

    private static List<Case> stale() {
        List<Case> out = new ArrayList<>(List.of(
                check("stale-close", after("freshness-max-age-stale"), becomeStale(),
                        Step.req().disconnect().expect(Step.Type.CACHED)),
                check("stale-503", after("freshness-max-age-stale"), becomeStale(),
                        Step.req().status(503, "Service Unavailable").expectStatus(200).expect(Step.Type.CACHED)),
                optimal("stale-while-revalidate", after("freshness-max-age-stale"), Step.req().setup().pause()
                        .resp("Cache-Control", "max-age=1, stale-while-revalidate=3600").resp("ETag", "\"abc\""),
                        cached()),
                required("stale-while-revalidate-window", after("stale-while-revalidate"), Step.req().setup().pause()
                        .resp("Cache-Control", "max-age=1, stale-while-revalidate=4").resp("ETag", "\"abc\""),
                        cached().setup().pause().respRaw("Cache-Control", "no-cache").respRaw("ETag", "\"def\""),
                        Step.req().expectHeader("client-request-count", "3")),
                check("stale-sie-close", after("freshness-max-age-stale"), Step.req()
                        .resp("Cache-Control", "max-age=2, stale-if-error=60").setup().pause(),
                        Step.req().disconnect().expect(Step.Type.CACHED)),
                check("stale-sie-503", after("freshness-max-age-stale"), Step.req()
                        .resp("Cache-Control", "max-age=2, stale-if-error=60").setup().pause(),
                        Step.req().status(503, "Service Unavailable").expectStatus(200).expect(Step.Type.CACHED)),
                required("stale-if-error-response-expired", after(), Step.req().setup().pause()
                        .resp("Cache-Control", "max-age=0, stale-if-error=1"),
                        Step.req().status(500, "Internal Server Error")),
                required("stale-if-error-request-expired", after(), Step.req().setup().pause()
                        .resp("Cache-Control", "max-age=0"),
                        Step.req().reqHeader("Cache-Control", "stale-if-error=1")
                                .status(500, "Internal Server Error"))));
        for (String cc : List.of("must-revalidate", "proxy-revalidate", "no-cache", "s-maxage=2")) {
            out.add(required("stale-close-" + cc, after("stale-close"),
                    Step.req().resp("Cache-Control", "max-age=2, " + cc).setup().pause(), closedAndNotStale()));
        }
        return out;
    }

    private static List<Case> authorization() {
        String base = "other-authorization";
        return List.of(
                required(base, after("freshness-max-age"), fresh().reqHeader("Authorization", "FOO")
                        .expectRequestHeader("Authorization", "FOO"), notCached()),
                optimal(base + "-public", after(base), Step.req().reqHeader("Authorization", "FOO")
                        .resp("Cache-Control", "max-age=3600, public").respDate("Date", 0).setup().pause(), cached()),
                optimal(base + "-must-revalidate", after(base), Step.req().reqHeader("Authorization", "FOO")
                        .resp("Cache-Control", "max-age=3600, must-revalidate").respDate("Date", 0).setup().pause(),
                        cached()),
                optimal(base + "-smaxage", after(base), Step.req().reqHeader("Authorization", "FOO")
                        .resp("Cache-Control", "s-maxage=3600").respDate("Date", 0).setup().pause(), cached()));
    }

    /** Any final status with explicit freshness may be stored (§3); a stale one is not reused. */
    private static List<Case> statuses() {
        List<Case> out = new ArrayList<>();
        Object[][] codes = {
            {200, "OK"}, {203, "Non-Authoritative Information"}, {204, "No Content"}, {299, "Whatever"},
            {301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"}, {307, "Temporary Redirect"},
            {308, "Permanent Redirect"}, {400, "Bad Request"}, {404, "Not Found"}, {410, "Gone"},
            {499, "Whatever"}, {500, "Internal Server Error"}, {502, "Bad Gateway"}, {503, "Service Unavailable"},
            {504, "Gateway Timeout"}, {599, "Whatever"},
        };
        for (Object[] c : codes) {
            int code = (Integer) c[0];
            String phrase = (String) c[1];
            String body = code == 204 ? null : "status body " + code;
            Step fresh = fresh().status(code, phrase);
            Step again = cached().status(code, phrase);
            Step stale = Templates.stale().status(code, phrase).setup();
            Step next = notCached();
            if (body == null) {
                fresh.noBody();
                again.noBody();
                stale.noBody();
            } else {
                fresh.respBody(body);
                again.respBody(body);
                stale.respBody(body);
                next.respBody(body);
            }
            out.add(optimal("status-" + code + "-fresh", after("freshness-max-age"), fresh, again));
            out.add(required("status-" + code + "-stale", after("status-" + code + "-fresh"), stale, next));
        }
        out.add(required("status-599-must-understand", after("status-599-fresh"), Step.req()
                .status(599, "Whatever").resp("Cache-Control", "max-age=3600, no-store, must-understand").setup(),
                notCached()));
        out.add(optimal("status-200-must-understand", after("status-200-fresh", "cc-resp-no-store-fresh"), Step.req()
                .resp("Cache-Control", "max-age=3600, no-store, must-understand").setup(), cached()));
        return out;
    }

    /** §5.2.1: what a client may ask of the cache; none of it is required. */
    private static List<Case> request() {
        return List.of(
                check("ccreq-ma0", after(), fresh().setup().pause(),
                        notCached().reqHeader("Cache-Control", "max-age=0")),
                check("ccreq-ma1", after(), fresh().setup().pause(),
                        notCached().reqHeader("Cache-Control", "max-age=1")),
                check("ccreq-magreaterage", after(), Step.req().resp("Cache-Control", "max-age=3600")
                        .resp("Age", "1800").setup(), notCached().reqHeader("Cache-Control", "max-age=600")),
                check("ccreq-max-stale", after(), Step.req().resp("Cache-Control", "max-age=1").setup().pause(),
                        cached().reqHeader("Cache-Control", "max-stale=1000")),
                check("ccreq-max-stale-age", after(), Step.req().resp("Cache-Control", "max-age=1500")
                        .resp("Age", "2000").setup(), cached().reqHeader("Cache-Control", "max-stale=1000")),
                check("ccreq-min-fresh", after(), Step.req().resp("Cache-Control", "max-age=1500").setup(),
                        notCached().reqHeader("Cache-Control", "min-fresh=2000")),
                check("ccreq-min-fresh-age", after(), Step.req().resp("Cache-Control", "max-age=1500")
                        .resp("Age", "1000").setup(), notCached().reqHeader("Cache-Control", "min-fresh=1000")),
                check("ccreq-no-cache", after(), Step.req().resp("Cache-Control", "max-age=3600").setup(),
                        notCached().reqHeader("Cache-Control", "no-cache")),
                check("ccreq-no-cache-lm", after(), Step.req().resp("Cache-Control", "max-age=3600")
                        .respDate("Last-Modified", -10000).respDate("Date", 0).setup(),
                        Step.req().reqHeader("Cache-Control", "no-cache").expect(Step.Type.LM_VALIDATED)),
                check("ccreq-no-cache-etag", after(), Step.req().resp("Cache-Control", "max-age=3600")
                        .resp("ETag", "\"abcdefgh\"").setup(),
                        Step.req().reqHeader("Cache-Control", "no-cache").expect(Step.Type.ETAG_VALIDATED)),
                check("ccreq-no-store", after(), Step.req().resp("Cache-Control", "max-age=3600").setup(),
                        notCached().reqHeader("Cache-Control", "no-store")),
                check("ccreq-oic", after(), Step.req().reqHeader("Cache-Control", "only-if-cached").expectStatus(504)
                        .noBodyCheck()),
                check("pragma-request-no-cache", after(), Step.req().resp("Cache-Control", "max-age=3600").setup(),
                        cached().reqHeader("Pragma", "no-cache")),
                check("pragma-response-no-cache", after(), Step.req().resp("Cache-Control", "max-age=3600")
                        .resp("Pragma", "no-cache").setup(), cached()));
    }
}
