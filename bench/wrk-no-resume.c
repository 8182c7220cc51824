/*
 * LD_PRELOAD shim for wrk's "new TLS connection per request" runs (bench/run.sh --https).
 *
 * wrk 4.x closes a TLS connection with SSL_shutdown() + SSL_clear() and reuses the same SSL
 * object for the next connection. SSL_clear() keeps the session (and the TLS 1.3 tickets the
 * server sent), so every reconnect would offer it and the server would do a resumed (PSK)
 * handshake: no certificate, no signature. This shim drops the session before SSL_clear(), so each
 * connection makes a full handshake. Nothing else in wrk changes.
 *
 * Built by bench/run.sh with: cc -shared -fPIC -O2 -o no-resume.so wrk-no-resume.c -ldl
 * Both OpenSSL functions are looked up at run time, so the library links without libssl headers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

int SSL_clear(void *ssl) {
    static int (*real_clear)(void *);
    static int (*set_session)(void *, void *);
    if (real_clear == NULL) {
        real_clear = (int (*)(void *)) dlsym(RTLD_NEXT, "SSL_clear");
        set_session = (int (*)(void *, void *)) dlsym(RTLD_NEXT, "SSL_set_session");
    }
    if (set_session != NULL) set_session(ssl, NULL);
    return real_clear(ssl);
}
