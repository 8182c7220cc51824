package dev.gatehouse.server;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.http.ClientAddresses;
import dev.gatehouse.http.Handler;
import dev.gatehouse.metrics.RequestMeters;
import dev.gatehouse.routing.Router;

/**
 * What one config compiles to: the config itself, the router whose routes carry ready handlers, and the request
 * meters of its sites and routes. Swapped whole
 * on reload; a request reads it once.
 */
record Routing(GatehouseConfig config, Router<Handler> router, RequestGuard guard, HttpPolicyGate httpPolicy,
               AccessLogger accessLog, RequestMeters meters, ClientAddresses clients) {
}
