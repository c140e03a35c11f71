package dev.pibl.cache;

import dev.pibl.config.CacheConfig.Fsync;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The child process of {@link DiskStoreCrashTest}: writes entries numbered from {@code first}
 * (arguments: directory, first, fsync mode) as fast as it can until it is killed, printing {@code written N} once writes first..first+N-1 have
 * all completed (it waits for them in the order they were started). Everything about write n
 * (key, metadata, body) is derived from n, so whoever reads the directory afterwards can check
 * each entry exactly. Two io threads, so writes overlap and one key's writes race.
 */
final class DiskCrashWriter {

    static final int KEYS = 300;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(DiskEntries.NOW), ZoneOffset.UTC);
    private static final byte[] NOISE = new byte[1 << 20];

    static {
        new SplittableRandom(42).nextBytes(NOISE);
    }

    private DiskCrashWriter() {
    }

    static String key(int n) {
        return "GET http://h/crash/" + Math.floorMod(n, KEYS);
    }

    /** Mostly small bodies; every tenth is large, so a kill often lands inside a write. */
    static int length(int n) {
        return n % 10 == 0 ? 64 * 1024 : Math.floorMod(n * 7919, 16_384);
    }

    static CacheEntry entry(int n) {
        return DiskEntries.entry(key(n), n, length(n));
    }

    /** A slice of fixed noise at an offset derived from n: costs nothing, so io stays the bottleneck. */
    static ByteBuffer body(int n) {
        int length = length(n);
        int offset = Math.floorMod(n * 104_729, NOISE.length - length);
        return ByteBuffer.wrap(NOISE, offset, length).slice().asReadOnlyBuffer();
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        Fsync fsync = Fsync.valueOf(args[2]);
        ExecutorService io = Executors.newFixedThreadPool(2);
        DiskStore store = DiskStore.open(dir, 1L << 40, fsync, CLOCK, io);
        store.indexed().join();
        ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        int completed = 0;
        for (int n = first; ; n++) {
            inFlight.add(store.write(entry(n), body(n)));
            while (inFlight.size() >= 16) {
                inFlight.poll().join();
                if (++completed % 50 == 0) {
                    System.out.println("written " + completed);
                    System.out.flush();
                }
            }
        }
    }
}
