package dev.pibl.balance;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health of one backend, shared by every event loop: what active checks last concluded, and
 * whether real traffic got it ejected. Thread-safe and lock-free: outcomes are reported from any
 * event loop, checks from the checker's loop. Owned by a {@link HealthRegistry}, which decides.
 */
public final class BackendHealth {

    private final Backend backend;
    /** Verdict of the active checks (true when they are off). */
    private volatile boolean activeHealthy;
    private final AtomicInteger activeStreak = new AtomicInteger(); // >0 good checks in a row, <0 bad ones
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /** When the current ejection ends, on the registry's clock; 0 when not ejected. */
    private volatile long ejectedUntil;
    private volatile int ejections;
    /** Bumped on every ejection and restore: outcomes of exchanges sent in an older one are stale. */
    private volatile long generation;
    /** When it came back and its slow start began, on the registry's clock; 0 when at full share. */
    private volatile long rampSince;
    /**
     * When the one request that probes an ejected backend whose time is up was sent; 0 when none
     * is in flight. A probe that ends without an outcome gives it back; one whose outcome is lost
     * anyway is replaced after a while.
     */
    private final AtomicLong probeSince = new AtomicLong();

    BackendHealth(Backend backend, boolean startHealthy) {
        this.backend = backend;
        this.activeHealthy = startHealthy;
    }

    public Backend backend() {
        return backend;
    }

    public boolean activeHealthy() {
        return activeHealthy;
    }

    /** Whether passive ejection currently keeps traffic away (including a pending half-open probe). */
    public boolean ejected() {
        return ejectedUntil != 0;
    }

    long ejectedUntil() {
        return ejectedUntil;
    }

    int ejections() {
        return ejections;
    }

    AtomicInteger consecutiveFailures() {
        return consecutiveFailures;
    }

    AtomicInteger activeStreak() {
        return activeStreak;
    }

    AtomicLong probeSince() {
        return probeSince;
    }

    void setActiveHealthy(boolean healthy) {
        activeHealthy = healthy;
    }

    void eject(long until, int count) {
        ejections = count;
        generation++;
        ejectedUntil = until;
    }

    void restore() {
        generation++;
        ejectedUntil = 0;
        ejections = 0;
    }

    /** The current generation; an exchange records it when it is sent. */
    public long generation() {
        return generation;
    }

    long rampSince() {
        return rampSince;
    }

    void setRampSince(long since) {
        rampSince = since;
    }

    @Override
    public String toString() {
        return backend.name() + (activeHealthy ? "" : " (down)") + (ejected() ? " (ejected)" : "");
    }
}
