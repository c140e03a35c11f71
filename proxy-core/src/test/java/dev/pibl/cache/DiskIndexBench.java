package dev.pibl.cache;

import dev.pibl.config.CacheConfig.Fsync;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Not a test: times a start-up over a full disk cache. Fills a directory with {@code entries}
 * entries of a 1 KiB body, then reopens it twice and prints how long {@code open()} took to
 * return and how long until {@code indexed()} completed. Warm page cache: the files were just
 * written. Run from proxy-core after {@code mvn test-compile}:
 * <pre>
 * java -cp target/test-classes:target/classes:$SLF4J_API_JAR dev.pibl.cache.DiskIndexBench [entries] [dir]
 * </pre>
 * The directory (a new temporary one by default) is deleted afterwards unless it was given.
 */
final class DiskIndexBench {

    private DiskIndexBench() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("pibl-disk-bench");
        Clock clock = Clock.fixed(Instant.ofEpochMilli(DiskEntries.NOW), ZoneOffset.UTC);
        ByteBuffer body = DiskEntries.body("bench", 1, 1024);
        ExecutorService io = Executors.newFixedThreadPool(2);
        try {
            long fillStart = System.nanoTime();
            try (DiskStore store = DiskStore.open(dir, 1L << 40, Fsync.NEVER, clock, io)) {
                store.indexed().join();
                ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
                for (int i = 0; i < entries; i++) {
                    inFlight.add(store.write(DiskEntries.entry("GET http://bench/item/" + i, i, 1024), body));
                    if (inFlight.size() >= 64) {
                        inFlight.poll().join();
                    }
                }
                inFlight.forEach(CompletableFuture::join);
                System.out.printf("filled %d entries (%d bytes) in %d ms%n", store.count(), store.size(),
                        millisSince(fillStart));
            }
            for (int run = 1; run <= 2; run++) {
                long openStart = System.nanoTime();
                DiskStore store = DiskStore.open(dir, 1L << 40, Fsync.NEVER, clock, io);
                long openNanos = System.nanoTime() - openStart;
                DiskStore.IndexStats stats = store.indexed().join();
                System.out.printf("run %d: open() returned in %.3f ms; indexed after %d ms: %s%n", run,
                        openNanos / 1e6, millisSince(openStart), stats);
                store.close();
            }
        } finally {
            io.shutdown();
            if (args.length < 2) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
