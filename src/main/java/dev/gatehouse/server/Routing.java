package dev.gatehouse.server;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.http.Handler;
import dev.gatehouse.routing.Router;

/**
 * What one config compiles to: the config itself and the router whose routes carry ready handlers. Swapped whole
 * on reload; a request reads it once.
 */
record Routing(GatehouseConfig config, Router<Handler> router, RequestGuard guard, AccessLogger accessLog) {
}
