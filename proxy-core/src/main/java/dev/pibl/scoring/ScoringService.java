package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Decides each request's tier from its client's behaviour. For every request head it records the
 * request in the client's features, refreshes the client's score when it is due (at most every
 * {@code refreshInterval}, or after {@code refreshRequests} requests, whichever comes first), moves
 * the client between tiers with hysteresis, and answers with a {@link Decision}.
 *
 * <p>Nothing here blocks. A scorer that answers at once (the builtin model) is applied before the
 * decision is made, so the request that made a refresh due is already routed by the new score. A
 * remote scorer's answer comes later: until then requests use the client's previous score while it
 * is younger than {@code maxScoreAge}, and a client without one gets a pending decision, which the
 * caller may wait for up to {@link #waitNanos()} before routing by the fallback tier. One call per
 * client is in flight at a time; every request of that client waits for the same one.
 *
 * <p>Thread-safe: called from every event loop. A client's state is guarded by its
 * {@link ClientActivity}'s lock, held only for bookkeeping, never across a scorer call.
 */
public final class ScoringService implements AutoCloseable {

    private final ClientTracker clients;
    private final Scorer scorer;
    private final Scorer shadow;
    private final Tiers tiers;
    private final Tier fallback;
    private final long refreshIntervalNanos;
    private final int refreshRequests;
    private final long maxScoreAgeNanos;
    private final long waitNanos;
    private final ScoringStats stats;
    private volatile FeatureExport export;

    /**
     * @param shadow         a scorer whose scores are only logged, or null
     * @param fallback       the tier of requests whose client has no usable score
     * @param maxScoreAge    how long a score stays usable without a successful refresh
     * @param wait           how long a request may wait for its client's first score
     */
    public ScoringService(ClientTracker clients, Scorer scorer, Scorer shadow, Tiers tiers, Tier fallback,
            Duration refreshInterval, int refreshRequests, Duration maxScoreAge, Duration wait) {
        this.clients = requireNonNull(clients, "clients");
        this.scorer = requireNonNull(scorer, "scorer");
        this.shadow = shadow;
        this.tiers = requireNonNull(tiers, "tiers");
        this.fallback = requireNonNull(fallback, "fallback");
        this.refreshIntervalNanos = refreshInterval.toNanos();
        this.maxScoreAgeNanos = maxScoreAge.toNanos();
        this.waitNanos = wait.toNanos();
        if (refreshRequests < 1) {
            throw new IllegalArgumentException("refreshRequests: " + refreshRequests + " (expected: >= 1)");
        }
        this.refreshRequests = refreshRequests;
        this.stats = new ScoringStats(tiers.all().size());
    }

    /** Writes every scored vector to {@code export} from now on; null stops it. */
    public void exportTo(FeatureExport export) {
        this.export = export;
    }

    public ClientTracker clients() {
        return clients;
    }

    public Tiers tiers() {
        return tiers;
    }

    public Scorer scorer() {
        return scorer;
    }

    /** The shadow scorer, or null. */
    public Scorer shadow() {
        return shadow;
    }

    public ScoringStats stats() {
        return stats;
    }

    /** How long a request may wait for a pending decision before {@link #fallback}. */
    public long waitNanos() {
        return waitNanos;
    }

    /**
     * A request head from client {@code c} arrived: records it and decides its tier.
     *
     * @param ip        the client's address as text
     * @param userAgent the User-Agent, or null when absent
     * @param loop      the requesting connection's event loop, for scorers that do I/O
     */
    public Decision onRequest(ClientActivity c, String ip, String method, CharSequence target, CharSequence userAgent,
            Executor loop) {
        long now = clients.nanoTime();
        double[] features = null;
        boolean callShadow = false;
        synchronized (c) {
            c.onRequest(now, method, target, userAgent); // the same lock: taken once for both
            ClientScore s = c.score();
            if (s.owner != this) {
                takeOver(s);
            }
            s.lastIp = ip;
            if (!s.inFlight && refreshDue(c, s, now)) {
                features = new double[Features.COUNT];
                c.features(now, features);
                s.attempted = true;
                s.attemptAtNanos = now;
                s.requestsAtAttempt = c.requests();
                s.inFlight = true;
                if (shadow != null && !s.shadowInFlight) {
                    s.shadowInFlight = true;
                    callShadow = true;
                }
            }
        }
        if (features != null) {
            // Outside the lock: a scorer may complete its stage on this thread, and apply() locks again.
            ScoreRequest request = new ScoreRequest(c.key(), ip, features, loop);
            if (callShadow) {
                stats.shadowCalls.increment();
                call(shadow, request).whenComplete((score, error) -> applyShadow(c, score, error));
            }
            stats.calls.increment();
            call(scorer, request).whenComplete((score, error) -> apply(c, request, score, error));
        }
        synchronized (c) {
            return decide(c.score(), now);
        }
    }

    /** The decision for a request that waited {@link #waitNanos()} for a pending one in vain. */
    public Decision fallback(ClientActivity c, String reason) {
        synchronized (c) {
            return fallbackDecision(c.score(), reason);
        }
    }

    /** Counts a request as routed by {@code decision}; called once per request. */
    public void routed(Decision decision) {
        stats.routed(decision.tier());
        if (decision.isFallback()) {
            stats.fallbacks.increment(); // here, not where decisions are made: waiters share one
        }
    }

    /** The exchange of a request from {@code c} completed. */
    public void onResponse(ClientActivity c, int status, long bytesIn, long bytesOut, boolean cacheHit) {
        c.onResponse(clients.nanoTime(), status, bytesIn, bytesOut, cacheHit);
    }

    private boolean refreshDue(ClientActivity c, ClientScore s, long now) {
        return !s.attempted
                || now - s.attemptAtNanos >= refreshIntervalNanos
                || c.requests() - s.requestsAtAttempt >= refreshRequests
                // An expired score must be replaced now, or the request would go to the fallback
                // tier while the client's real tier (deny, say) is one call away.
                || !Double.isNaN(s.score) && now - s.scoredAtNanos > maxScoreAgeNanos;
    }

    /**
     * Under the client's lock: the client was scored by another service (the configuration before
     * a reload; the tracker is shared) or never. Its old score came from another model, so it is
     * scored again now; its tier is kept by name, so hysteresis does not restart, and whatever the
     * old service still has in flight for it is ignored when it lands.
     */
    private void takeOver(ClientScore s) {
        s.owner = this;
        s.score = Double.NaN;
        s.model = null;
        s.attempted = false;
        s.inFlight = false;
        s.tier = s.tier == null ? null : tiers.byName(s.tier.name());
        s.shadowScore = Double.NaN;
        s.shadowModel = null;
        s.shadowInFlight = false;
        s.lastError = null;
    }

    /** Under the client's lock. */
    private Decision decide(ClientScore s, long now) {
        if (!Double.isNaN(s.score) && now - s.scoredAtNanos <= maxScoreAgeNanos) {
            return new Decision(s.tier, s.score, s.model, s.shadowScore, null, null);
        }
        if (s.inFlight) {
            stats.waits.increment();
            if (s.waiters == null) {
                s.waiters = new CompletableFuture<>();
            }
            return Decision.waitFor(s.waiters);
        }
        return fallbackDecision(s, s.lastError != null ? s.lastError : "no score yet");
    }

    private Decision fallbackDecision(ClientScore s, String reason) {
        return new Decision(fallback, Double.NaN, null, s.shadowScore, reason, null);
    }

    private static CompletionStage<Double> call(Scorer scorer, ScoreRequest request) {
        try {
            return scorer.score(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void apply(ClientActivity c, ScoreRequest request, Double score, Throwable error) {
        long now = clients.nanoTime();
        CompletableFuture<Decision> waiters;
        Decision decision = null;
        boolean scored = false;
        String tier = null;
        long requests;
        synchronized (c) {
            ClientScore s = c.score();
            if (s.owner != this) {
                // A reload handed the client to another service meanwhile: this score is of the
                // old model. The new service called its own scorer when it took the client over,
                // and requests waiting now wait for that call.
                return;
            }
            s.inFlight = false;
            if (error == null && score != null && score >= 0 && score <= 1) {
                s.score = score;
                s.model = scorer.version();
                s.scoredAtNanos = now;
                Tier before = s.tier;
                s.tier = tiers.next(before, score);
                if (before != null && before != s.tier) {
                    s.tierChanges++;
                    stats.tierChanges.increment();
                }
                scored = true;
                tier = s.tier.name();
            } else {
                ScorerException failure = failure(score, error);
                stats.failed(failure.kind());
                s.lastError = failure.getMessage();
                s.lastErrorAtNanos = now;
            }
            waiters = s.waiters;
            s.waiters = null;
            if (waiters != null) {
                decision = decide(s, now);
            }
            requests = s.requestsAtAttempt;
        }
        if (waiters != null) {
            waiters.complete(decision);
        }
        FeatureExport out = export;
        if (out != null) {
            out.write(c.key(), request.clientIp(), requests, request.features(), scored ? score : Double.NaN, tier,
                    scored ? scorer.version() : null);
        }
    }

    private void applyShadow(ClientActivity c, Double score, Throwable error) {
        synchronized (c) {
            ClientScore s = c.score();
            if (s.owner != this) {
                return; // scored for the configuration before a reload
            }
            s.shadowInFlight = false;
            if (error == null && score != null && score >= 0 && score <= 1) {
                s.shadowScore = score;
                s.shadowModel = shadow.version();
                return;
            }
        }
        stats.shadowFailures.increment();
    }

    private static ScorerException failure(Double score, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ScorerException e) {
            return e;
        }
        if (cause == null) {
            return new ScorerException(ScorerException.Kind.ERROR, "score " + score + " outside [0, 1]");
        }
        return new ScorerException(ScorerException.Kind.ERROR, cause.toString(), cause);
    }

    // ---------------------------------------------------------------- admin views

    /** What PIBL knows of one client, or null when it is not tracked. Any thread. */
    public ClientReport report(String key) {
        ClientActivity c = clients.find(key);
        if (c == null) {
            return null;
        }
        long now = clients.nanoTime();
        double[] features = new double[Features.COUNT];
        ClientScore.Snapshot score;
        long requests;
        long lastSeen;
        synchronized (c) {
            c.features(now, features);
            score = c.score().snapshot();
            requests = c.requests();
            lastSeen = c.lastSeenNanos();
        }
        Map<String, Double> named = new LinkedHashMap<>();
        for (int i = 0; i < Features.COUNT; i++) {
            named.put(Features.NAMES.get(i), features[i]);
        }
        List<LogisticModel.Contribution> top = scorer instanceof BuiltinScorer builtin
                ? builtin.model().explain(features, 5)
                : List.of();
        return new ClientReport(key, score.lastIp(), requests, (now - lastSeen) / 1e9, named, score, top,
                score.lastErrorAtNanos() == 0 ? Double.NaN : (now - score.lastErrorAtNanos()) / 1e9);
    }

    /** The {@code n} clients with the highest scores, highest first. Any thread; O(clients). */
    public List<TopClient> top(int n) {
        PriorityQueue<TopClient> best = new PriorityQueue<>(Comparator.comparingDouble(TopClient::score));
        clients.forEach(c -> {
            TopClient t;
            synchronized (c) {
                ClientScore s = c.score();
                if (Double.isNaN(s.score)) {
                    return;
                }
                t = new TopClient(c.key(), s.lastIp, s.score, s.tier == null ? null : s.tier.name(), c.requests());
            }
            if (best.size() < n) {
                best.add(t);
            } else if (n > 0 && best.peek().score() < t.score()) {
                best.poll();
                best.add(t);
            }
        });
        List<TopClient> sorted = new ArrayList<>(best);
        sorted.sort(Comparator.comparingDouble(TopClient::score).reversed());
        return sorted;
    }

    /**
     * One client as {@code GET /admin/clients/{ip}} shows it.
     *
     * @param lastSeenSecondsAgo   seconds since its latest request
     * @param features             every feature by name
     * @param topFeatures          the features that pushed the builtin model's score up most; empty
     *                             for other scorers
     * @param lastErrorSecondsAgo  seconds since the scorer last failed for it, NaN if never
     */
    public record ClientReport(String key, String lastIp, long requests, double lastSeenSecondsAgo,
            Map<String, Double> features, ClientScore.Snapshot score, List<LogisticModel.Contribution> topFeatures,
            double lastErrorSecondsAgo) {
    }

    /** One line of {@code GET /admin/clients?top=N}. */
    public record TopClient(String key, String lastIp, double score, String tier, long requests) {
    }

    @Override
    public void close() {
        scorer.close();
        if (shadow != null) {
            shadow.close();
        }
    }
}
