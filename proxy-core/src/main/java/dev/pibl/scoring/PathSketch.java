package dev.pibl.scoring;

import java.util.Arrays;

/**
 * How many distinct paths a client asked for per request, over the buckets of its coarse window:
 * linear counting (Whang, Vander-Zanden and Taylor, 1990) over one 128-bit bitmap per bucket, the
 * window's estimate taken from the union of its buckets, so a path repeated across buckets counts
 * once.
 *
 * <p>A bitmap saturates (a 128-bit one near 600 paths), which would make a fast crawler look like
 * a client hammering a few URLs. So paths are sampled by hash: at level L only paths whose hash
 * starts with L zero bits are set, and the count is scaled by 2^L. Bitmaps taken at different
 * levels do not combine, so a change of level restarts the count (bitmaps and request counts).
 * The level rises when the union is three-quarters full, and falls at a bucket boundary when the
 * paths, or the requests, in the window would fit a lower level with room to spare. After a rise,
 * until the new count has {@value #ENOUGH} sampled paths, the share leans on the one from before,
 * for as long as the requests behind it are still in the window; after a fall it covers only the
 * requests since.
 *
 * <p>Accuracy (standard error of the share, measured on steady and bursty traffic): about 7% while
 * the window holds up to 170 distinct paths, when every path is kept; 8 to 15% beyond, whatever
 * the count, as sampling keeps 48 to 177 of them. Equal hashes count as one path.
 *
 * <p>Not thread-safe: guarded by the owning {@link ClientActivity}'s lock.
 */
final class PathSketch {

    private static final int BITS = 128;
    /** Bits set in the union at which the level rises: about 177 sampled paths. */
    private static final int FULL = 96;
    /** Sampled paths that make a count stand on its own; a lower level must expect at most this many. */
    private static final double ENOUGH = 48;
    /** A lower level is also taken when it would keep at most this many of the window's requests. */
    private static final double REQUESTS_TARGET = 128;
    private static final int MAX_LEVEL = 48;

    /** Two words per bucket. */
    private final long[] bits;
    /** Requests per bucket since the count last restarted: the denominator. */
    private final int[] requests;
    private long unionLow;
    private long unionHigh;
    private int level;
    /** The share when the level last rose. */
    private double carried;
    /** Rotations until the requests behind {@link #carried} have all left the window. */
    private int carriedLife;

    PathSketch(int buckets) {
        bits = new long[2 * buckets];
        requests = new int[buckets];
    }

    void add(int bucket, long hash) {
        if (Long.bitCount(unionLow) + Long.bitCount(unionHigh) >= FULL && level < MAX_LEVEL) {
            carried = ratio();
            // The newest requests behind it are in this bucket: they leave with it, a full turn from now.
            carriedLife = requests.length;
            restart();
            level++;
        }
        requests[bucket]++;
        if (Long.numberOfLeadingZeros(hash) < level) {
            return;
        }
        long bit = 1L << hash;
        if ((hash & 64) == 0) {
            bits[2 * bucket] |= bit;
            unionLow |= bit;
        } else {
            bits[2 * bucket + 1] |= bit;
            unionHigh |= bit;
        }
    }

    /** Empties a bucket that is being reused; call {@link #rotated} once the rotation is done. */
    void clear(int bucket) {
        bits[2 * bucket] = 0;
        bits[2 * bucket + 1] = 0;
        requests[bucket] = 0;
    }

    /**
     * The window moved on by {@code steps} buckets, all cleared: takes them out of the union, and
     * lowers the level if it can.
     *
     * @param windowRequests the requests in the window's buckets, since before any restart
     */
    void rotated(int steps, long windowRequests) {
        long low = 0;
        long high = 0;
        for (int i = 0; i < bits.length; i += 2) {
            low |= bits[i];
            high |= bits[i + 1];
        }
        unionLow = low;
        unionHigh = high;
        carriedLife = Math.max(0, carriedLife - steps);
        if (level == 0) {
            return;
        }
        double sampled = sampledPaths();
        int lower = level;
        // A window cannot hold more distinct paths than requests, so few requests are enough on their own.
        while (lower > 0 && (sampled * Math.scalb(1.0, level - lower + 1) <= ENOUGH
                || Math.scalb((double) windowRequests, 1 - lower) <= REQUESTS_TARGET)) {
            lower--;
        }
        if (lower != level) {
            // Only what the client does from now on counts: the few requests in the window would not
            // make a share to lean on, and it is the one from the last rise, if still in the window.
            restart();
            level = lower;
        }
    }

    /** Distinct paths per request in the window, 0 to 1; 0 without requests. */
    double ratio() {
        double sampled = sampledPaths();
        long total = 0;
        for (int count : requests) {
            total += count;
        }
        double current = total == 0 ? 0 : Math.min(1, Math.scalb(sampled, level) / total);
        if (carriedLife == 0) {
            return current;
        }
        double weight = Math.max(0, 1 - sampled / ENOUGH);
        return weight * carried + (1 - weight) * current;
    }

    /** The sampling level, for tests: paths are kept with probability 2^-level. */
    int level() {
        return level;
    }

    private double sampledPaths() {
        int zeros = BITS - Long.bitCount(unionLow) - Long.bitCount(unionHigh);
        // The level rises before the union fills, so zeros is at least BITS - FULL but at the top level.
        return BITS * Math.log((double) BITS / Math.max(zeros, 1));
    }

    private void restart() {
        Arrays.fill(bits, 0);
        Arrays.fill(requests, 0);
        unionLow = 0;
        unionHigh = 0;
    }
}
