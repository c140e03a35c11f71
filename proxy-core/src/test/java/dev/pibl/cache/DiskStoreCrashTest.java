package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pibl.config.CacheConfig.Fsync;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Kills a child JVM ({@link DiskCrashWriter}) with SIGKILL while it writes as fast as it can,
 * three times over on one directory, with and without fsync, and reopens the store after each
 * kill: every entry is whole and exactly what was written, no file is damaged, and no completed
 * write is lost. Takes some seconds: three JVM starts.
 */
class DiskStoreCrashTest {

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(DiskStore.class);

    @BeforeEach
    void listen() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    /** Starts the writer at write number {@code first}, kills it once it reports {@code atLeast}; returns its last report. */
    private int runAndKill(int first, Fsync fsync, int atLeast) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), DiskCrashWriter.class.getName(), dir.toString(),
                Integer.toString(first), fsync.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS).execute(child::destroyForcibly); // a hung child
        int reported = 0;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line = out.readLine(); line != null && reported < atLeast; line = out.readLine()) {
                if (line.startsWith("written ")) {
                    reported = Integer.parseInt(line.substring("written ".length()));
                }
            }
            child.destroyForcibly();
        }
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(reported).as("writes reported before the kill").isGreaterThanOrEqualTo(atLeast);
        return reported;
    }

    @Test
    @Timeout(90)
    void aKilledWriterLeavesOnlyWholeEntriesAndLosesNoCompletedWrite() throws Exception {
        // With fsync the temporary file lives through the flush, so kills often catch one half
        // written; without, the rename (which ext4 makes flush a replaced file) takes most of the time.
        Fsync[] rounds = {Fsync.ALWAYS, Fsync.NEVER, Fsync.ALWAYS};
        for (int round = 0; round < rounds.length; round++) {
            int first = round * 1_000_000;
            int completed = runAndKill(first, rounds[round], DiskCrashWriter.KEYS + 50);
            try (DiskStore store = DiskStore.open(dir, 1L << 40, Fsync.NEVER, DiskCrashWriter.CLOCK, Runnable::run)) {
                store.indexed().join();
                for (int n = first + completed - DiskCrashWriter.KEYS; n < first + completed; n++) {
                    // n is the last completed write of its key: the store holds it or a later one.
                    String key = DiskCrashWriter.key(n);
                    CacheEntry entry = store.lookup(key);
                    assertThat(entry).as(key).isNotNull();
                    int version = DiskEntries.version(entry);
                    assertThat(version).as(key).isGreaterThanOrEqualTo(n);
                    assertThat(entry).isEqualTo(DiskCrashWriter.entry(version));
                    DiskStore.Stored stored = store.read(key).join();
                    assertThat(stored).as(key).isNotNull();
                    assertThat(stored.entry()).isEqualTo(entry);
                    assertThat(stored.body()).isEqualTo(DiskCrashWriter.body(version));
                }
                assertThat(store.count()).isEqualTo(DiskCrashWriter.KEYS);
                assertThat(store.size()).isEqualTo(DiskEntries.totalBytes(dir));
            }
        }
        List<ILoggingEvent> complaints = logged.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
        assertThat(complaints).as("a crash never leaves a damaged file").isEmpty();
    }
}
