package dev.pibl.http;

import io.netty.util.AsciiString;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: 16 lowercase hex digits, unique within a process and unlikely to repeat across
 * restarts. Called on event loops; lock-free.
 *
 * <p>The high 24 bits are random per process start, the low 40 a counter, so ids sort by arrival
 * within one run and are cheap to make (no SecureRandom, no UUID formatting on the hot path).
 */
public final class RequestIds {

    /** The header that carries the id to the backend and back to the client on error responses. */
    public static final AsciiString HEADER = AsciiString.cached("x-request-id");

    private static final long PREFIX = (ThreadLocalRandom.current().nextLong() & 0xFFFFFFL) << 40;
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** A new id. */
    public static String next() {
        long id = PREFIX | (COUNTER.incrementAndGet() & 0xFF_FFFF_FFFFL);
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (id & 0xF)];
            id >>>= 4;
        }
        return new String(out);
    }
}
