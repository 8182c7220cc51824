package dev.gatehouse.server;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.http.ClientAddresses;
import dev.gatehouse.metrics.RequestMeters;
import dev.gatehouse.routing.Router;
import dev.gatehouse.stages.Chains;

/**
 * What one config compiles to: the config itself, the router whose routes carry their compiled chains (stages, then
 * the action), the chain for hosts no site serves, and the request meters of its sites and routes. Swapped whole on
 * reload; a request reads it once.
 */
record Routing(GatehouseConfig config, Router<Chains> router, Chains unknownHost, RequestGuard guard,
               AccessLogger accessLog, RequestMeters meters, ClientAddresses clients) {
}
