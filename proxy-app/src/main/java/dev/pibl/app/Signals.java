package dev.pibl.app;

import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a call, so the main thread can drain the server and exit 0 (a JVM
 * left to its default handling exits 143 on SIGTERM, which systemd reports as a failure unless
 * told otherwise). Falls back to a shutdown hook where the signal API is unavailable.
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
}
