package dev.gatehouse.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling, and SIGHUP for a config reload. A JVM shutdown hook would exit with status 143
 * and could not wait for the drain from the main thread; catching the signals lets {@code run} stop gracefully and
 * exit 0.
 */
final class Signals {
    private Signals() {
    }

    static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> action.run());
            } catch (IllegalArgumentException e) {
                // Signal not available on this platform: the default handling stays.
            }
        }
    }

    /** SIGHUP runs {@code action} (which must not block: the JVM's signal thread runs it). */
    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), s -> action.run());
        } catch (IllegalArgumentException e) {
            // No SIGHUP on this platform: reloads come from the file watch and the admin API.
        }
    }
}
