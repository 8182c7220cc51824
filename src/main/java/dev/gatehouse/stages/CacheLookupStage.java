package dev.gatehouse.stages;

import dev.gatehouse.cache.CacheStage;
import dev.gatehouse.http.Exchange;
import dev.gatehouse.http.Handler;
import dev.gatehouse.http.RequestFlow;

/** The cache's stage as a {@link Stage} (the cache package does not depend on this one). */
record CacheLookupStage(CacheStage cache) implements Stage {
    @Override
    public RequestFlow begin(Exchange exchange, Handler next) {
        return cache.begin(exchange, next);
    }

    @Override
    public Foresight foresee(Preview request) {
        return Foresight.passes(cache.foresee(request.request()));
    }
}
