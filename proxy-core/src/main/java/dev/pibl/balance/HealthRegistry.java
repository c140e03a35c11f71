package dev.pibl.balance;

import static java.util.Objects.requireNonNull;

import dev.pibl.config.HealthConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which backends may take traffic, from active checks and from the outcomes of real
 * exchanges (passive ejection, as Envoy's outlier detection and HAProxy's observe do).
 *
 * <ul>
 *   <li>Active: {@code fall} bad checks in a row take a backend out, {@code rise} good ones
 *       bring it back.</li>
 *   <li>Passive: {@code consecutive-failures} failed exchanges in a row eject it for
 *       {@code ejection-time}, doubled on each repeat up to {@code max-ejection-time}, unless
 *       {@code max-ejected-percent} of the backends are ejected already (at least one may be).
 *       When the time is up, exactly one request probes it: success restores it and resets the
 *       back-off, failure ejects it again for longer; a probe that ends without an outcome (no
 *       connection, its client left) lets the next request probe.</li>
 *   <li>Slow start: a backend that comes back takes a share of its picks that grows linearly
 *       from 5 % to all of them over {@code slow-start}, so a cold backend is not flooded.</li>
 * </ul>
 * Thread-safe; called from every event loop and the checker. Time is the injected clock.
 */
public final class HealthRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(HealthRegistry.class);

    private final List<BackendHealth> backends;
    private final HealthConfig config;
    private final LongSupplier nanoTime;
    private final boolean passive;
    private final int maxEjected;
    private final long slowStartNanos;
    private final long probeReclaimNanos;
    private final DoubleSupplier random;

    public HealthRegistry(List<Backend> backends, HealthConfig config, LongSupplier nanoTime) {
        this(backends, config, nanoTime, () -> ThreadLocalRandom.current().nextDouble(), null);
    }

    /**
     * The registry of a reloaded configuration: a backend that {@code previous} also had
     * ({@link Backend#sameTarget}) keeps its state (down, ejected, in slow start) and shares it with
     * {@code previous}, so exchanges still running under the old configuration report to the same
     * place; a new backend starts as at start-up.
     */
    public static HealthRegistry carryingOver(HealthRegistry previous, List<Backend> backends, HealthConfig config,
            LongSupplier nanoTime) {
        requireNonNull(previous, "previous");
        return new HealthRegistry(backends, config, nanoTime, previous.random, previous);
    }

    /** With {@code random} giving numbers in [0, 1), for tests of slow start. */
    HealthRegistry(List<Backend> backends, HealthConfig config, LongSupplier nanoTime, DoubleSupplier random) {
        this(backends, config, nanoTime, random, null);
    }

    private HealthRegistry(List<Backend> backends, HealthConfig config, LongSupplier nanoTime, DoubleSupplier random,
            HealthRegistry previous) {
        this.random = requireNonNull(random, "random");
        this.slowStartNanos = config.slowStart().toNanos();
        // A probe whose outcome was lost without a release (a bug, or a thread that died) is
        // replaced after this; at least a response timeout's worth would be better, but the
        // registry does not know it: twice the ejection time.
        this.probeReclaimNanos = 2 * config.passive().ejectionTime().toNanos();
        this.config = requireNonNull(config, "config");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        boolean startHealthy = !config.active().enabled() || config.active().startHealthy();
        List<BackendHealth> list = new ArrayList<>(backends.size());
        for (Backend b : backends) {
            BackendHealth kept = previous == null ? null : previous.find(b);
            if (kept != null && !config.active().enabled() && !kept.activeHealthy()) {
                // Active checks are off now: nothing would ever bring it back up.
                kept.setActiveHealthy(true);
                kept.activeStreak().set(0);
                LOG.info("backend {} counts as up: active health checks are now off", b.name());
            }
            list.add(kept != null ? kept : new BackendHealth(b, startHealthy));
        }
        this.backends = List.copyOf(list);
        this.passive = config.passive().enabled();
        int percent = config.passive().maxEjectedPercent();
        this.maxEjected = percent == 0 ? 0 : Math.max(1, backends.size() * percent / 100);
    }

    private BackendHealth find(Backend target) {
        for (BackendHealth h : backends) {
            if (h.backend().sameTarget(target)) {
                return h;
            }
        }
        return null;
    }

    public BackendHealth of(Backend backend) {
        return backends.get(backend.index());
    }

    public boolean panicMode() {
        return config.panic();
    }

    /**
     * Whether {@code backend} may take the request being placed now. For an ejected backend
     * whose time is up this claims the single half-open probe, so call it only for a backend
     * the request will actually go to if it says yes.
     */
    public boolean tryAcquire(Backend backend) {
        return tryAcquire(backend, true);
    }

    /**
     * Like {@link #tryAcquire(Backend)}; with {@code honourSlowStart} false a backend in slow start
     * takes the pick anyway (the balancer's second pass, when slow start turned every backend down).
     */
    public boolean tryAcquire(Backend backend, boolean honourSlowStart) {
        BackendHealth h = of(backend);
        if (!h.activeHealthy()) {
            return false;
        }
        long until = h.ejectedUntil();
        if (until == 0) {
            return !honourSlowStart || rampAllows(h);
        }
        long now = nanoTime.getAsLong();
        if (now - until < 0) {
            return false;
        }
        long since = h.probeSince().get();
        boolean free = since == 0 || now - since > probeReclaimNanos;
        if (!free || !h.probeSince().compareAndSet(since, now == 0 ? 1 : now)) {
            return false;
        }
        if (h.ejectedUntil() == 0) {
            h.probeSince().compareAndSet(now == 0 ? 1 : now, 0); // restored meanwhile: no probe needed
        }
        return true;
    }

    private boolean rampAllows(BackendHealth h) {
        long since = h.rampSince();
        if (since == 0) {
            return true;
        }
        long elapsed = nanoTime.getAsLong() - since;
        if (elapsed >= slowStartNanos) {
            h.setRampSince(0);
            return true;
        }
        double share = Math.max(0.05, elapsed / (double) slowStartNanos);
        return random.getAsDouble() < share;
    }

    /**
     * Whether {@code backend} came back less than {@code slow-start} ago and takes only part of
     * its share yet. A look for metrics: it changes nothing.
     */
    public boolean inSlowStart(Backend backend) {
        long since = of(backend).rampSince();
        return since != 0 && nanoTime.getAsLong() - since < slowStartNanos;
    }

    private void startRamp(BackendHealth h) {
        if (slowStartNanos > 0) {
            long now = nanoTime.getAsLong();
            h.setRampSince(now == 0 ? 1 : now);
        }
    }

    /**
     * An exchange with {@code backend} went well (a response below 500). {@code generation} is
     * what {@link BackendHealth#generation()} said when the exchange was sent: while the backend
     * is ejected only the probe, sent during the ejection, may decide.
     */
    public void onSuccess(Backend backend, long generation) {
        BackendHealth h = of(backend);
        if (h.ejected() && generation != h.generation()) {
            return; // sent before the ejection: says nothing about the backend now
        }
        if (h.consecutiveFailures().get() != 0) {
            h.consecutiveFailures().set(0);
        }
        long since = h.probeSince().get();
        if (h.ejected() && since != 0 && h.probeSince().compareAndSet(since, 0)) {
            h.restore();
            startRamp(h);
            LOG.info("backend {} is back: its probe request succeeded", backend.name());
        }
    }

    /**
     * An exchange that {@link #tryAcquire} let through to {@code backend} ended without an outcome:
     * it never reached the backend (no connection could be had from the pool) or its client left
     * first. If it was the half-open probe, the claim is given back at once so that the next request
     * may probe, rather than when it would be reclaimed. {@code generation} as for
     * {@link #onSuccess}: an exchange sent before the ejection cannot give back the probe's claim.
     */
    public void release(Backend backend, long generation) {
        BackendHealth h = of(backend);
        if (!h.ejected() || generation != h.generation()) {
            return;
        }
        long since = h.probeSince().get();
        if (since != 0) {
            h.probeSince().compareAndSet(since, 0);
        }
    }

    /**
     * An exchange with {@code backend} failed: connect failure, broken connection, timeout or 5xx.
     * {@code generation} as for {@link #onSuccess}.
     */
    public void onFailure(Backend backend, long generation) {
        if (!passive) {
            return;
        }
        BackendHealth h = of(backend);
        if (h.ejected() && generation != h.generation()) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (h.ejected()) {
            long since = h.probeSince().get();
            if (since != 0 && h.probeSince().compareAndSet(since, 0)) {
                eject(h, now, "its probe request failed");
            }
            return;
        }
        if (h.consecutiveFailures().incrementAndGet() < config.passive().consecutiveFailures()) {
            return;
        }
        synchronized (this) { // rare: only when a backend crosses the threshold
            if (h.ejected() || ejectedCount() >= maxEjected) {
                return;
            }
            eject(h, now, h.consecutiveFailures().get() + " failures in a row");
        }
    }

    private void eject(BackendHealth h, long now, String why) {
        int count = h.ejections() + 1;
        long base = config.passive().ejectionTime().toNanos();
        long max = config.passive().maxEjectionTime().toNanos();
        // base << (count - 1) would overflow long before 30 doublings of a long ejection time.
        long duration = count - 1 >= Long.numberOfLeadingZeros(base) - 1 ? max : Math.min(max, base << (count - 1));
        h.consecutiveFailures().set(0);
        h.eject(now + duration, count);
        LOG.warn("backend {} ejected for {} ms: {}", h.backend().name(), TimeUnit.NANOSECONDS.toMillis(duration), why);
    }

    private int ejectedCount() {
        int n = 0;
        for (BackendHealth h : backends) {
            if (h.ejected()) {
                n++;
            }
        }
        return n;
    }

    /** {@link #onSuccess(Backend, long)} for an exchange sent now. */
    public void onSuccess(Backend backend) {
        onSuccess(backend, of(backend).generation());
    }

    /** {@link #onFailure(Backend, long)} for an exchange sent now. */
    public void onFailure(Backend backend) {
        onFailure(backend, of(backend).generation());
    }

    /** The result of one active check of {@code backend}. */
    public void onActiveCheck(Backend backend, boolean ok) {
        BackendHealth h = of(backend);
        int streak = h.activeStreak().updateAndGet(s -> ok ? Math.max(s, 0) + 1 : Math.min(s, 0) - 1);
        if (ok && !h.activeHealthy() && streak >= config.active().rise()) {
            h.setActiveHealthy(true);
            startRamp(h);
            LOG.info("backend {} is up: {} good checks in a row", backend.name(), streak);
        } else if (!ok && h.activeHealthy() && -streak >= config.active().fall()) {
            h.setActiveHealthy(false);
            LOG.warn("backend {} is down: {} failed checks in a row", backend.name(), -streak);
        }
    }

    /**
     * When to tell clients to come back while no backend is available (Retry-After, whole
     * seconds, at least 1): when the first ejection ends, or after one check interval.
     */
    public long retryAfterSeconds() {
        long now = nanoTime.getAsLong();
        long best = config.active().enabled() ? config.active().interval().toNanos() : Long.MAX_VALUE;
        for (BackendHealth h : backends) {
            long until = h.ejectedUntil();
            if (until != 0 && h.activeHealthy()) {
                best = Math.min(best, Math.max(0, until - now));
            }
        }
        if (best == Long.MAX_VALUE) {
            best = config.passive().ejectionTime().toNanos();
        }
        return Math.max(1, (best + 999_999_999L) / 1_000_000_000L);
    }
}
