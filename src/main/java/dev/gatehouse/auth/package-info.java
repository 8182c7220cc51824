/**
 * Who a request comes from: password hashes (bcrypt and argon2id through Bouncy Castle, never hand-written crypto),
 * HTTP basic authentication with verification off the event loop, and the forward-auth client that asks another
 * service. The request stages decide what to do with the answers.
 */
package dev.gatehouse.auth;
