package dev.pibl.scoring;

/**
 * 64-bit hashes of text for the sketches here: paths for the distinct-path count, User-Agents and
 * client keys for {@link UserAgents}. Reads the characters in place (no substring, no encoding)
 * four at a time, then finishes with the MurmurHash3 64-bit mixer so that every output bit depends
 * on every input bit: the sketches take bit positions and sampling levels from different bits.
 *
 * <p>The seed is fixed, so counts are reproducible. That gives nothing to an attacker: a client
 * can only move its own features, and it lowers its distinct-path share more simply by repeating
 * a path than by hunting collisions. Thread-safe (stateless).
 */
final class Hashes {

    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long MULTIPLIER = 0xC2B2AE3D27D4EB4FL;

    private Hashes() {
    }

    static long of(CharSequence text) {
        return of(text, 0, text.length());
    }

    /** The hash of {@code text[from, to)}. */
    static long of(CharSequence text, int from, int to) {
        long h = SEED + to - from;
        int i = from;
        for (; i + 3 < to; i += 4) {
            long word = text.charAt(i) | (long) text.charAt(i + 1) << 16
                    | (long) text.charAt(i + 2) << 32 | (long) text.charAt(i + 3) << 48;
            h = Long.rotateLeft(h ^ word * MULTIPLIER, 29) * SEED;
        }
        long word = 0;
        for (int shift = 0; i < to; i++, shift += 16) {
            word |= (long) text.charAt(i) << shift;
        }
        return mix(h ^ word * MULTIPLIER);
    }

    /** MurmurHash3's fmix64. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ h >>> 33;
    }
}
