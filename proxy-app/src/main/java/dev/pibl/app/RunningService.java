package dev.pibl.app;

import static java.util.Objects.requireNonNull;

import dev.pibl.server.ProxyServer;
import dev.pibl.server.ReloadListener;
import dev.pibl.server.ReloadResult;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PIBL running as a service: reloads on request (SIGHUP) on a thread of its own, reports every
 * reload to the log and to systemd, and keeps systemd's status line current.
 *
 * <p>{@link #requestReload} is called from the signal-dispatch thread and returns at once; reloads
 * run one at a time on the {@code pibl-reload} thread, and requests that arrive while one is
 * already waiting to start join it (a reload reads the file as it is when it starts, so one is
 * enough). The {@link ReloadListener} methods run on the thread that reloads (this one, or the
 * admin API's); {@link #status} on any thread.
 */
final class RunningService implements ReloadListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunningService.class);
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);

    private final ProxyServer server;
    private final SystemdNotifier systemd;
    private final ExecutorService reloads = Executors.newSingleThreadExecutor(new DefaultThreadFactory("pibl-reload", true));
    private final AtomicBoolean reloadWaiting = new AtomicBoolean();
    /** Set between RELOADING=1 and the READY=1 that must follow it, whatever happens in between. */
    private final AtomicBoolean reloadAnnounced = new AtomicBoolean();
    private volatile String lastRefusal;
    private volatile boolean draining;

    private RunningService(ProxyServer server, SystemdNotifier systemd) {
        this.server = server;
        this.systemd = systemd;
    }

    /**
     * Takes charge of {@code server}'s reloads and tells systemd it is ready; the caller has set
     * the server's config source.
     */
    static RunningService start(ProxyServer server, SystemdNotifier systemd) {
        requireNonNull(server, "server");
        requireNonNull(systemd, "systemd");
        RunningService service = new RunningService(server, systemd);
        server.addReloadListener(service);
        InetSocketAddress address = server.address();
        systemd.ready("listening on " + address.getHostString() + ":" + address.getPort() + "; " + service.status());
        systemd.statusEvery(STATUS_INTERVAL, service::status);
        return service;
    }

    /** Asks for a reload; returns at once. Any thread. */
    void requestReload() {
        if (!reloadWaiting.compareAndSet(false, true)) {
            LOG.info("reload requested while another is waiting to start: they are one");
            return;
        }
        try {
            reloads.execute(this::reload);
        } catch (RejectedExecutionException stopping) {
            reloadWaiting.set(false);
            LOG.info("reload requested while PIBL stops: ignored");
        }
    }

    private void reload() {
        reloadWaiting.set(false);
        try {
            server.reload();
        } catch (RuntimeException e) {
            LOG.error("reload failed", e);
            if (reloadAnnounced.compareAndSet(true, false)) {
                systemd.reloaded("reload failed (" + e + "); " + counts());
            }
        }
    }

    @Override
    public void reloading() {
        LOG.info("reloading the configuration");
        reloadAnnounced.set(true);
        systemd.reloading();
    }

    @Override
    public void reloaded(ReloadResult result) {
        String outcome = describe(result);
        if (result.applied()) {
            lastRefusal = null;
            LOG.info("configuration {}", outcome);
        } else {
            List<String> problems = result.problems();
            lastRefusal = problems.isEmpty() ? "refused" : problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
            LOG.warn("configuration {}", outcome);
        }
        if (reloadAnnounced.compareAndSet(true, false)) {
            systemd.reloaded("reload " + outcome + "; " + counts());
        }
    }

    /** What a reload did, in a phrase that follows "reload" or "configuration". */
    static String describe(ReloadResult result) {
        if (!result.applied()) {
            return "refused, generation " + result.generation() + " stays in force: " + String.join("; ", result.problems());
        }
        StringBuilder s = new StringBuilder("applied: generation ").append(result.generation());
        s.append(result.changed().isEmpty() ? ", nothing changed" : ", changed " + String.join(", ", result.changed()));
        if (!result.restartRequired().isEmpty()) {
            s.append("; a restart is needed to apply ").append(String.join(", ", result.restartRequired()));
        }
        return s.toString();
    }

    /**
     * The status line systemd shows, e.g. {@code "12 client connections, 3/3 backends available,
     * config generation 2"}, with the first problem of the last reload while it stands refused.
     * Quick and non-blocking: it runs on the notifier's event loop.
     */
    String status() {
        String refusal = lastRefusal;
        return (draining ? "draining: " : "") + counts() + (refusal == null ? "" : "; last reload refused: " + refusal);
    }

    private String counts() {
        return server.statusLine();
    }

    /**
     * Draining starts: tells systemd (STOPPING=1) and takes no more reloads. Call before
     * {@link ProxyServer#stop}; waits up to 10 s for a reload in progress to end.
     */
    void stopping() {
        draining = true;
        systemd.stopping(status());
        close();
    }

    /** Stops taking reloads, letting one in progress end; idempotent. */
    @Override
    public void close() {
        reloads.shutdown();
        try {
            if (!reloads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a reload still runs after 10 s; stopping anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
