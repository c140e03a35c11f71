package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The clients PIBL keeps behaviour for, by {@link ClientKeys#key key}: at most
 * {@code maxClients} of them, each forgotten after {@code idle} without a lookup. Over the bound,
 * Caffeine evicts by its TinyLFU policy, so clients that come back often outlive one-off ones (a
 * scan from many addresses cannot flush the regulars). A forgotten client starts afresh when it
 * returns; an activity evicted while a request still holds it takes that request's updates and is
 * then dropped.
 *
 * <p>Time comes from the injected {@link Ticker}, for expiry and for the windows of the
 * activities it creates; tests pass a fake one and never sleep.
 *
 * <p>Thread-safe: called from every event loop. Caffeine's eviction work runs on the calling
 * event loop, amortised over lookups: handed to the common pool it woke a thread every few
 * lookups, which preempted the event loops.
 */
public final class ClientTracker {

    private final Cache<String, ClientActivity> clients;
    private final UserAgents userAgents;
    private final Ticker ticker;
    private final Function<String, ClientActivity> create;

    /**
     * @param maxClients at least 1
     * @param idle       how long a client is kept without a lookup; positive
     */
    public ClientTracker(int maxClients, Duration idle, UserAgents userAgents, Ticker ticker) {
        requireNonNull(idle, "idle");
        this.userAgents = requireNonNull(userAgents, "userAgents");
        this.ticker = requireNonNull(ticker, "ticker");
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients: " + maxClients + " (expected: >= 1)");
        }
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("idle: " + idle + " (expected: > 0)");
        }
        this.clients = Caffeine.newBuilder()
                .maximumSize(maxClients)
                .expireAfterAccess(idle)
                .ticker(ticker)
                // Upkeep on the calling event loop, amortised over reads: handing it to the common
                // pool woke a thread every few lookups, which preempted the event loop on a busy
                // core (25% fewer requests/s in bench/run.sh's pibl-score target).
                .executor(Runnable::run)
                .build();
        this.create = key -> new ClientActivity(key, userAgents, ticker.read());
    }

    /** The activity of client {@code key}, created empty if it was not tracked. */
    public ClientActivity activity(String key) {
        requireNonNull(key, "key");
        return clients.get(key, create);
    }

    /** The activity of client {@code key}, or {@code null} if it is not tracked; creates nothing. */
    public ClientActivity find(String key) {
        requireNonNull(key, "key");
        return clients.getIfPresent(key);
    }

    /** How many clients are tracked, approximately (evictions may be pending). */
    public long size() {
        return clients.estimatedSize();
    }

    /** Runs {@code action} for each tracked client; weakly consistent, as a concurrent map's iteration. */
    public void forEach(Consumer<ClientActivity> action) {
        requireNonNull(action, "action");
        clients.asMap().values().forEach(action);
    }

    /** Now, on the tracker's clock: what callers pass to the activities' {@code nowNanos}. */
    public long nanoTime() {
        return ticker.read();
    }

    /** The User-Agent rarity the tracked clients share. */
    public UserAgents userAgents() {
        return userAgents;
    }

    /** Runs pending evictions now, for tests that check the bounds. */
    void cleanUp() {
        clients.cleanUp();
    }
}
