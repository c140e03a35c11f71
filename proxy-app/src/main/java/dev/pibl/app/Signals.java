package dev.pibl.app;

import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns signals into calls. SIGTERM and SIGINT drain the server so the main thread can exit 0 (a
 * JVM left to its default handling exits 143 on SIGTERM, which systemd reports as a failure unless
 * told otherwise); SIGHUP reloads the configuration (the JVM's default for SIGHUP is to run the
 * shutdown hooks and exit 129, so handling it is also what keeps a HUP from stopping PIBL).
 * Actions run on the JVM's signal-dispatch thread: they must return quickly.
 */
final class Signals {

    private Signals() {
    }

    static void onTermination(Runnable action) {
        try {
            Signal.handle(new Signal("TERM"), s -> action.run());
            Signal.handle(new Signal("INT"), s -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LoggerFactory.getLogger(Signals.class).warn("cannot handle signals ({}); using a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(action, "pibl-shutdown"));
        }
    }

    /**
     * Runs {@code action} on every SIGHUP. Where the signal cannot be handled (a JVM started with
     * {@code -Xrs}), says so: a SIGHUP then does what the JVM does by default.
     */
    static void onReload(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), s -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LoggerFactory.getLogger(Signals.class).warn("cannot handle SIGHUP ({}); reload on SIGHUP is off", e.toString());
        }
    }
}
