package dev.gatehouse.cache.conformance;

import static dev.gatehouse.cache.conformance.Case.after;
import static dev.gatehouse.cache.conformance.Case.check;
import static dev.gatehouse.cache.conformance.Case.optimal;
import static dev.gatehouse.cache.conformance.Case.required;
import static dev.gatehouse.cache.conformance.Templates.cached;
import static dev.gatehouse.cache.conformance.Templates.notCached;

import java.util.ArrayList;
import java.util.List;

/**
 * Fields aimed at caches like this one: {@code CDN-Cache-Control} (RFC 9213) and {@code Surrogate-Control} (the
 * Edge Architecture note); and interim responses (RFC 9110 §15.2), which a cache relays and never stores.
 */
final class TargetedCases {
    private TargetedCases() {
    }

    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        out.addAll(targeted("cdn", "CDN-Cache-Control"));
        out.addAll(targeted("surrogate", "Surrogate-Control"));
        out.addAll(cdnOnly());
        out.addAll(surrogateOnly());
        out.addAll(interim());
        return out;
    }

    private static Step with(String field, String value) {
        return Step.req().respRaw(field, value).setup().pause();
    }

    /** What both fields share: their max-age wins over Cache-Control's and Expires, and Age counts against it. */
    private static List<Case> targeted(String p, String field) {
        String maxAge = p + "-max-age";
        return List.of(
                optimal(maxAge, after("freshness-none"), with(field, "max-age=3600"), cached()),
                optimal(p + "-max-age-max", after("freshness-none"), with(field, "max-age=2147483648"), cached()),
                optimal(p + "-max-age-max-plus", after("freshness-none"), with(field, "max-age=99999999999"),
                        cached()),
                required(p + "-max-age-age", after(maxAge), with(field, "max-age=3600").respDate("Date", 0)
                        .resp("Age", "7200"), notCached()),
                check(p + "-max-age-space-before-equals", after(maxAge), with(field, "max-age =100")
                        .resp("Cache-Control", "max-age=1"), notCached()),
                check(p + "-max-age-space-after-equals", after(maxAge), with(field, "max-age= 100")
                        .resp("Cache-Control", "max-age=1"), notCached()),
                required(p + "-max-age-0", after(maxAge), with(field, "max-age=0"), notCached()),
                optimal(p + "-max-age-extension", after(maxAge), with(field, "foobar, max-age=3600"), cached()),
                optimal(p + "-max-age-expires", after(maxAge), with(field, "max-age=3600").respDate("Expires", -10000)
                        .respDate("Date", 0), cached()),
                optimal(p + "-max-age-cc-max-age-invalid-expires", after(maxAge), with(field, "max-age=3600")
                        .respRaw("Expires", "0").respDate("Date", 0), cached()),
                required(p + "-max-age-0-expires", after(maxAge), with(field, "max-age=0").respDate("Expires", 10000)
                        .respDate("Date", 0), notCached()),
                optimal(p + "-max-age-short-cc-max-age", after(maxAge), with(field, "max-age=3600")
                        .resp("Cache-Control", "max-age=1"), cached()),
                required(p + "-max-age-long-cc-max-age", after(maxAge), with(field, "max-age=1")
                        .resp("Cache-Control", "max-age=3600"), notCached()),
                required(p + "-no-store-cc-fresh", after("freshness-none"), with(field, "no-store")
                        .resp("Cache-Control", "max-age=10000").respDate("Expires", 10000).respDate("Date", 0),
                        notCached()));
    }

    private static List<Case> cdnOnly() {
        String f = "CDN-Cache-Control";
        return List.of(
                check("cdn-max-age-case-insensitive", after("cdn-max-age"), with(f, "MaX-aGe=3600"), cached()),
                required("cdn-private", after(), Step.req().resp(f, "private").resp("Cache-Control", "max-age=10000")
                        .respDate("Expires", 10000).respDate("Date", 0).setup(), notCached()),
                required("cdn-no-cache", after(), Step.req().resp(f, "no-cache")
                        .resp("Cache-Control", "max-age=10000").respDate("Expires", 10000).respDate("Date", 0)
                        .setup(), notCached()),
                required("cdn-fresh-cc-nostore", after("freshness-none"), with(f, "max-age=10000")
                        .resp("Cache-Control", "no-store"), cached()),
                required("cdn-cc-invalid-sh-type-unknown", after("cdn-max-age"), with(f, "max-age=10000, &&&&&")
                        .resp("Cache-Control", "no-store"), notCached()),
                required("cdn-cc-invalid-sh-type-wrong", after("cdn-max-age"), with(f, "max-age=\"10000\"")
                        .resp("Cache-Control", "no-store"), notCached()),
                check("cdn-remove-header", after(), Step.req().resp("Cache-Control", "max-age=10000")
                        .respRaw(f, "foo").respDate("Expires", 10000).respDate("Date", 0).expectHeader(f, "foo")),
                check("cdn-remove-age-exceed", after("cdn-max-age"), Step.req().resp("Cache-Control", "max-age=1")
                        .resp(f, "max-age=10000").respDate("Date", 0).setup().pause(), Step.req().expectPresent("Age")),
                check("cdn-date-update-exceed", after("cdn-max-age"), Step.req().resp("Cache-Control", "max-age=1")
                        .resp(f, "max-age=10000").respDate("Date", 0).setup().pause(),
                        Step.req().expectDate("Date", 0)),
                check("cdn-expires-update-exceed", after("cdn-max-age"), Step.req().resp("Cache-Control", "max-age=1")
                        .respDate("Expires", 1).resp(f, "max-age=10000").respDate("Date", 0).setup().pause(),
                        Step.req().expectDate("Expires", 1)));
    }

    private static List<Case> surrogateOnly() {
        String f = "Surrogate-Control";
        String target = ScriptedOrigin.TARGET_MARKER;
        return List.of(
                optimal("surrogate-max-age-me-target", after("freshness-none"), with(f, "max-age=3600;" + target),
                        cached()),
                required("surrogate-max-age-other-target", after("surrogate-max-age"), with(f, "max-age=3600;not-for-you")
                        .respDate("Date", 0).resp("Age", "7200"), notCached()),
                optimal("surrogate-max-age-case-insensitive", after("surrogate-max-age"), with(f, "MaX-aGe=3600"),
                        cached()),
                required("surrogate-no-store", after(), with(f, "no-store"), notCached()),
                required("surrogate-fresh-cc-nostore", after(), with(f, "max-age=10000;" + target)
                        .resp("Cache-Control", "no-store"), cached()),
                check("surrogate-append-capabilities", after(), Step.req()
                        .expectRequestHeader("Surrogate-Capability", null)),
                check("surrogate-remove-header", after(), Step.req().resp("Cache-Control", "max-age=10000")
                        .respRaw(f, "foo").respDate("Expires", 10000).respDate("Date", 0).expectHeader(f, "foo")));
    }

    private static List<Case> interim() {
        String link = "</styles.css>; rel=preload; as=style";
        return List.of(
                optimal("interim-102", after(), Step.req().interim(102).expectInterim(102)
                        .resp("Cache-Control", "max-age=100000").respDate("Date", 0).pause(), cached()),
                optimal("interim-103", after(), Step.req().interim(103, "Link", link, "X-My-Header", "test")
                        .expectInterim(103).resp("Cache-Control", "max-age=100000").respDate("Date", 0).pause(),
                        cached()),
                required("interim-not-cached", after(), Step.req().interim(103, "Link", link).expectInterim(103)
                        .resp("Cache-Control", "max-age=100000").respDate("Date", 0).pause(),
                        cached().expectInterim()),
                optimal("interim-no-header-reuse", after(), Step.req().interim(103, "Link", link, "X-My-Header", "test")
                        .expectInterim(103).resp("Cache-Control", "max-age=100000").respDate("Date", 0)
                        .expectMissing("x-my-header").pause(), cached().expectMissing("x-my-header")));
    }
}
