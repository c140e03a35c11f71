package dev.pibl.server;

/**
 * Told when a reload starts and how it ended (the application tells systemd, for example). Called
 * on the thread that asked for the reload (a signal handler's, the admin executor's), never on an
 * event loop; reloads never overlap, so calls come in pairs.
 */
public interface ReloadListener {

    /** A reload is starting: the configuration is about to be read again. */
    default void reloading() {
    }

    /** The reload ended, applied or refused. */
    default void reloaded(ReloadResult result) {
    }
}
