package dev.gatehouse.cache.conformance;

/** Steps many cases start from. */
final class Templates {
    private Templates() {
    }

    /** A response fresh for a long time by both Expires and max-age, with a validator. */
    static Step fresh() {
        return Step.req().respDate("Expires", 100_000).resp("Cache-Control", "max-age=100000")
                .respDate("Last-Modified", 0).respDate("Date", 0);
    }

    /** A response already stale when it arrives, with a validator. */
    static Step stale() {
        return Step.req().respDate("Expires", -5000).respDate("Last-Modified", -100_000).respDate("Date", 0);
    }

    /** A response fresh for two seconds, then the pause that makes it stale. */
    static Step becomeStale() {
        return Step.req().resp("Cache-Control", "max-age=2").resp("Template-A", "1").setup().pause();
    }

    /** A stored response whose reuse depends on {@code field: value} (setup, then the pause). */
    static Step storedWith(String field, String value) {
        return Step.req().resp(field, value).setup().pause();
    }

    /** A stored response with a field that is not compared as forwarded (the cache may rewrite it). */
    static Step storedWithRaw(String field, String value) {
        return Step.req().respRaw(field, value).setup().pause();
    }

    static Step cached() {
        return Step.req().expect(Step.Type.CACHED);
    }

    static Step notCached() {
        return Step.req().expect(Step.Type.NOT_CACHED);
    }
}
