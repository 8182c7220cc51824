package dev.gatehouse.stages;

import dev.gatehouse.http.Handler;

/**
 * What a route (or a site's "no route matched", or an unknown host) runs, compiled for each kind of listener: plain
 * HTTP requests meet stages HTTPS ones do not (the ACME HTTP-01 answer, the plain-HTTP policy) and the other way
 * round (HSTS). Each is its action's handler itself when no stage applies.
 */
public record Chains(Handler plain, Handler secure) {

    public Handler of(boolean secure) {
        return secure ? this.secure : plain;
    }
}
