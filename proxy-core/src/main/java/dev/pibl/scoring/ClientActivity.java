package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One client's behaviour, kept as the {@link Features} PIBL computes for it, in constant memory
 * whatever its traffic.
 *
 * <p><b>Windows.</b> Time is the {@code nowNanos} callers pass (a {@link ClientTracker}'s
 * ticker), cut into buckets aligned on when the client was first seen: a ring of 11 one-second
 * buckets of request counts for the 1 s and 10 s rates, and a ring of 4 twenty-second buckets of
 * every other counter for the 60 s figures. A window's oldest bucket is only partly inside it, so
 * it counts in proportion to the part still inside, as if its events had been spread evenly: the
 * sliding-window approximation of nginx's {@code limit_req} and Cloudflare's rate limiting, exact
 * for steady traffic and never off by more than that one bucket's count. Ratios weigh numerator
 * and denominator alike, so they stay between 0 and 1. Byte rates are over 60 s.
 *
 * <p><b>Distinct paths</b> are estimated by a {@link PathSketch} over the last 60 to 80 s: within
 * about 7% up to 170 distinct paths, 8 to 15% beyond. <b>Gaps</b> between requests feed an
 * exponentially weighted mean and variance (West's incremental form, smoothing
 * {@value #GAP_SMOOTHING}, so the last 20 or so gaps dominate), each gap capped at 60 s; they read
 * 0 before the second request and after 60 s without one. <b>User-Agents</b> are hashed on every
 * request, but {@link UserAgents} is asked whether one is rare only when the hash changes, and
 * then once per twenty-second bucket, since others may take it up.
 *
 * <p><b>Clock.</b> A {@code nowNanos} older than one already seen counts as that one: time never
 * runs backwards here. After 80 s without requests every counter has left the window and every
 * feature but {@link Features#CONNECTIONS} reads 0.
 *
 * <p><b>Memory.</b> 672 bytes per client with compressed oops, its key (an IPv4 address) and
 * {@link ClientScore} included, whatever the traffic; about 750 with the tracker's map entry
 * (measured with JOL's {@code GraphLayout}). The buckets are the bulk: 20-second ones rather than
 * 10-second ones halve them, for a coarser but still sliding 60 s window.
 *
 * <p><b>Threads.</b> Called on the event loops of the client's connections, which may differ, so
 * every method that touches the windows is {@code synchronized} on this instance; the scoring code
 * updates {@link #score()} under the same lock. The connection count is a separate atomic.
 */
public final class ClientActivity {

    private static final long SECOND = 1_000_000_000L;
    private static final int FINE_BUCKETS = 11;
    private static final long COARSE_NANOS = 20 * SECOND;
    private static final int COARSE_BUCKETS = 4;
    private static final double WINDOW_SECONDS = 60;
    static final double GAP_SMOOTHING = 0.1;
    private static final double MAX_GAP_SECONDS = 60;
    private static final long NO_CHECK = -1;
    private static final long ROOT = Hashes.of("/");

    // One coarse bucket's counters, at bucket * COUNTERS + one of these.
    private static final int REQUESTS = 0;
    private static final int RESPONSES = 1;
    private static final int ERRORS_4XX = 2;
    private static final int NOT_FOUND = 3;
    private static final int ERRORS_5XX = 4;
    private static final int CACHE_HITS = 5;
    private static final int NON_GET = 6;
    private static final int UA_MISSING = 7;
    private static final int UA_RARE = 8;
    private static final int COUNTERS = 9;

    private static final AtomicIntegerFieldUpdater<ClientActivity> CONNECTIONS =
            AtomicIntegerFieldUpdater.newUpdater(ClientActivity.class, "connections");

    private final String key;
    private final long keyHash;
    private final UserAgents userAgents;
    private final ClientScore score = new ClientScore();
    /** Bucket boundaries are whole seconds after this. */
    private final long origin;
    private final int[] perSecond = new int[FINE_BUCKETS];
    private final int[] counts = new int[COARSE_BUCKETS * COUNTERS];
    /** Bytes in and out per coarse bucket, at 2 * bucket and 2 * bucket + 1. */
    private final long[] bytes = new long[2 * COARSE_BUCKETS];
    private final PathSketch paths = new PathSketch(COARSE_BUCKETS);
    private volatile int connections;

    /** The latest time seen, relative to origin: the buckets in use follow from it. */
    private long clock;
    private long requests;
    private long lastSeen;
    private long lastRequest;
    private double gapMean;
    private double gapVariance;
    private long agentHash;
    private boolean agentRare;
    private long agentChecked = NO_CHECK;

    ClientActivity(String key, UserAgents userAgents, long nowNanos) {
        this.key = requireNonNull(key, "key");
        this.userAgents = requireNonNull(userAgents, "userAgents");
        this.keyHash = Hashes.of(key);
        this.origin = nowNanos;
        this.lastSeen = nowNanos;
        userAgents.clientSeen();
    }

    /** The key the client is tracked by (its address or network, as {@link ClientKeys#key}). */
    public String key() {
        return key;
    }

    /** The client's scoring state; guarded by this instance's lock. */
    public ClientScore score() {
        return score;
    }

    /**
     * A request head arrived.
     *
     * @param method    the request method; GET and HEAD are the reading ones
     * @param target    the request-target as sent; the path (before {@code ?}) is what counts,
     *                  taken from the absolute form too
     * @param userAgent the User-Agent field, or {@code null} when there was none
     */
    public synchronized void onRequest(long nowNanos, String method, CharSequence target, CharSequence userAgent) {
        requireNonNull(method, "method");
        requireNonNull(target, "target");
        long now = advance(nowNanos);
        if (requests > 0) {
            gap(now - lastRequest);
        }
        requests++;
        lastRequest = now;
        lastSeen = origin + now;
        perSecond[(int) (now / SECOND % FINE_BUCKETS)]++;
        int bucket = (int) (now / COARSE_NANOS % COARSE_BUCKETS);
        int base = bucket * COUNTERS;
        counts[base + REQUESTS]++;
        if (!method.equals("GET") && !method.equals("HEAD")) {
            counts[base + NON_GET]++;
        }
        paths.add(bucket, pathHash(target));
        if (isBlank(userAgent)) {
            counts[base + UA_MISSING]++;
            return;
        }
        long hash = Hashes.of(userAgent);
        if (hash != agentHash || agentChecked != now / COARSE_NANOS) {
            // Other clients may have taken up this agent since: look again once per bucket.
            agentRare = userAgents.observe(keyHash, hash);
            agentHash = hash;
            agentChecked = now / COARSE_NANOS;
        }
        if (agentRare) {
            counts[base + UA_RARE]++;
        }
    }

    /**
     * An exchange completed: the response was sent, or the client left (499).
     *
     * @param bytesIn  request body bytes received; negative counts as 0
     * @param bytesOut response body bytes sent; negative counts as 0
     * @param cacheHit whether the cache answered (HIT, STALE or REVALIDATED)
     */
    public synchronized void onResponse(long nowNanos, int status, long bytesIn, long bytesOut, boolean cacheHit) {
        long now = advance(nowNanos);
        lastSeen = origin + now;
        int bucket = (int) (now / COARSE_NANOS % COARSE_BUCKETS);
        int base = bucket * COUNTERS;
        counts[base + RESPONSES]++;
        if (status >= 400 && status < 500) {
            counts[base + ERRORS_4XX]++;
            if (status == 404 || status == 410) {
                counts[base + NOT_FOUND]++;
            }
        } else if (status >= 500 && status < 600) {
            counts[base + ERRORS_5XX]++;
        }
        if (cacheHit) {
            counts[base + CACHE_HITS]++;
        }
        bytes[2 * bucket] += Math.max(0, bytesIn);
        bytes[2 * bucket + 1] += Math.max(0, bytesOut);
    }

    /** A client connection started carrying this client's requests. */
    public void connectionOpened() {
        CONNECTIONS.incrementAndGet(this);
    }

    /** A connection counted by {@link #connectionOpened} closed; the count never goes below 0. */
    public void connectionClosed() {
        int open;
        do {
            open = connections;
            if (open == 0) {
                return;
            }
        } while (!CONNECTIONS.compareAndSet(this, open, open - 1));
    }

    /** Writes the client's features as of {@code nowNanos} into {@code into}, indexed as {@link Features}. */
    public synchronized void features(long nowNanos, double[] into) {
        requireNonNull(into, "into");
        if (into.length != Features.COUNT) {
            throw new IllegalArgumentException("into: " + into.length + " values (expected: " + Features.COUNT + ")");
        }
        long now = advance(nowNanos);
        double fineOld = 1 - (double) (now % SECOND) / SECOND;
        int current = (int) (now / SECOND % FINE_BUCKETS);
        into[Features.RATE_1S] = perSecond[current] + fineOld * perSecond[(current + FINE_BUCKETS - 1) % FINE_BUCKETS];
        double tenSecondCount = 0;
        int oldest = (int) ((now / SECOND + 1) % FINE_BUCKETS);
        for (int i = 0; i < FINE_BUCKETS; i++) {
            tenSecondCount += i == oldest ? fineOld * perSecond[i] : perSecond[i];
        }
        into[Features.RATE_10S] = tenSecondCount / 10;

        double coarseOld = 1 - (double) (now % COARSE_NANOS) / COARSE_NANOS;
        int oldestCoarse = (int) ((now / COARSE_NANOS + 1) % COARSE_BUCKETS);
        double[] sums = new double[COUNTERS];
        double bytesIn = 0;
        double bytesOut = 0;
        for (int bucket = 0; bucket < COARSE_BUCKETS; bucket++) {
            double weight = bucket == oldestCoarse ? coarseOld : 1;
            for (int c = 0; c < COUNTERS; c++) {
                sums[c] += weight * counts[bucket * COUNTERS + c];
            }
            bytesIn += weight * bytes[2 * bucket];
            bytesOut += weight * bytes[2 * bucket + 1];
        }
        double requested = sums[REQUESTS];
        double responded = sums[RESPONSES];
        into[Features.RATE_60S] = requested / WINDOW_SECONDS;
        into[Features.ERROR_4XX_RATIO] = share(sums[ERRORS_4XX], responded);
        into[Features.NOT_FOUND_RATIO] = share(sums[NOT_FOUND], responded);
        into[Features.ERROR_5XX_RATIO] = share(sums[ERRORS_5XX], responded);
        into[Features.DISTINCT_PATH_RATIO] = paths.ratio();
        boolean recent = requests > 1 && now - lastRequest <= MAX_GAP_SECONDS * SECOND;
        into[Features.GAP_MEAN] = recent ? gapMean : 0;
        into[Features.GAP_VARIANCE] = recent ? gapVariance : 0;
        into[Features.GAP_CV] = recent && gapMean > 0 ? Math.sqrt(gapVariance) / gapMean : 0;
        into[Features.BYTES_IN_RATE] = bytesIn / WINDOW_SECONDS;
        into[Features.BYTES_OUT_RATE] = bytesOut / WINDOW_SECONDS;
        into[Features.CACHE_HIT_RATIO] = share(sums[CACHE_HITS], responded);
        into[Features.NON_GET_RATIO] = share(sums[NON_GET], requested);
        into[Features.CONNECTIONS] = connections;
        into[Features.UA_MISSING] = share(sums[UA_MISSING], requested);
        into[Features.UA_RARE] = share(sums[UA_RARE], requested);
    }

    /** Requests since the client was first tracked. */
    public synchronized long requests() {
        return requests;
    }

    /** The latest time a request or response of the client was seen, on the callers' clock. */
    public synchronized long lastSeenNanos() {
        return lastSeen;
    }

    @Override
    public String toString() {
        return "ClientActivity[" + key + "]";
    }

    /** Moves the buckets on to {@code nowNanos} (never back); the time since origin. */
    private long advance(long nowNanos) {
        long now = Math.max(nowNanos - origin, clock);
        long from = clock / SECOND;
        long to = now / SECOND;
        for (long b = Math.max(from + 1, to - FINE_BUCKETS + 1); b <= to; b++) {
            perSecond[(int) (b % FINE_BUCKETS)] = 0;
        }
        from = clock / COARSE_NANOS;
        to = now / COARSE_NANOS;
        clock = now;
        if (to == from) {
            return now;
        }
        for (long b = Math.max(from + 1, to - COARSE_BUCKETS + 1); b <= to; b++) {
            int bucket = (int) (b % COARSE_BUCKETS);
            Arrays.fill(counts, bucket * COUNTERS, (bucket + 1) * COUNTERS, 0);
            bytes[2 * bucket] = 0;
            bytes[2 * bucket + 1] = 0;
            paths.clear(bucket);
        }
        long windowRequests = 0;
        for (int bucket = 0; bucket < COARSE_BUCKETS; bucket++) {
            windowRequests += counts[bucket * COUNTERS + REQUESTS];
        }
        paths.rotated((int) Math.min(to - from, COARSE_BUCKETS), windowRequests);
        return now;
    }

    private void gap(long nanos) {
        double seconds = Math.min((double) nanos / SECOND, MAX_GAP_SECONDS);
        if (requests == 1) {
            gapMean = seconds;
            gapVariance = 0;
            return;
        }
        double diff = seconds - gapMean;
        double increment = GAP_SMOOTHING * diff;
        gapMean += increment;
        gapVariance = (1 - GAP_SMOOTHING) * (gapVariance + diff * increment);
    }

    private static double share(double part, double whole) {
        return whole > 0 ? part / whole : 0;
    }

    private static boolean isBlank(CharSequence text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    /** The hash of the path of {@code target}: what precedes {@code ?}, after the authority in absolute form. */
    static long pathHash(CharSequence target) {
        int length = target.length();
        int start = 0;
        if (length > 0 && target.charAt(0) != '/') {
            int authority = authorityStart(target);
            if (authority >= 0) {
                start = length;
                for (int i = authority; i < length; i++) {
                    char c = target.charAt(i);
                    if (c == '/' || c == '?' || c == '#') {
                        start = i;
                        break;
                    }
                }
                if (start == length || target.charAt(start) != '/') {
                    // http://host and http://host?x ask for "/" (RFC 9112 section 3.2.2).
                    return ROOT;
                }
            }
        }
        int end = length;
        for (int i = start; i < length; i++) {
            char c = target.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return Hashes.of(target, start, end);
    }

    /** Where the authority of an absolute-form target starts (after {@code scheme://}), or -1. */
    private static int authorityStart(CharSequence target) {
        int length = target.length();
        for (int i = 0; i < length; i++) {
            char c = target.charAt(i);
            if (c == ':') {
                return i + 2 < length && target.charAt(i + 1) == '/' && target.charAt(i + 2) == '/' ? i + 3 : -1;
            }
            if (c == '/' || c == '?') {
                return -1;
            }
        }
        return -1;
    }
}
