package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import dev.pibl.config.LoggingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log's file rolls and is pruned as {@code logging.rotate} says: by size now, by day
 * on the policy's own clock (moved forward here, never waited for), old files deleted by age and
 * by total size.
 */
class LoggingRotationTest {

    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final Pattern ROLLED = Pattern.compile("access\\.log\\.(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)\\.gz");

    @TempDir
    Path dir;

    private final LoggerContext context = new LoggerContext();
    private RollingFileAppender<ILoggingEvent> appender;

    {
        context.setMDCAdapter(new LogbackMDCAdapter()); // what Logback's SLF4J provider gives the global context
    }

    private Path file() {
        return dir.resolve("access.log");
    }

    private void open(LoggingConfig.Rotation rotate) {
        appender = LoggingSetup.rollingFile(context, "test-file", file(), LoggingSetup.encoder(context, "%msg%n"),
                rotate, "logging.file");
    }

    private void write(String line) {
        appender.doAppend(new LoggingEvent(getClass().getName(), context.getLogger("test"), Level.INFO, line, null,
                null));
    }

    /** Moves the rolling policy's clock: the next write after midnight UTC rolls the file. */
    private void setPolicyTime(long millis) {
        ((TimeBasedRollingPolicy<ILoggingEvent>) appender.getRollingPolicy()).getTimeBasedFileNamingAndTriggeringPolicy()
                .setCurrentTime(millis);
    }

    /** The rolled files, oldest first: by day, then by their index within the day. */
    private List<Path> rolled() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".gz"))
                    .sorted(Comparator.comparing((Path p) -> rolledPart(p, 1))
                            .thenComparingInt(p -> Integer.parseInt(rolledPart(p, 2))))
                    .toList();
        }
    }

    private static String rolledPart(Path rolled, int group) {
        Matcher m = ROLLED.matcher(rolled.getFileName().toString());
        assertThat(m.matches()).as(rolled.toString()).isTrue();
        return m.group(group);
    }

    /** Waits until no rolled file is still being compressed (the policy gzips in the background). */
    private void awaitCompressed() {
        Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                .until(() -> {
            try (Stream<Path> files = Files.list(dir)) {
                return files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
            }
        });
    }

    private static String gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aFileThatReachesMaxFileSizeIsRolledAndGzipped() throws IOException {
        open(new LoggingConfig.Rotation(1024, Duration.ofDays(14), 0));
        String line = "x".repeat(99); // 100 bytes with its newline
        for (int i = 0; i < 25; i++) {
            write(line);
            awaitCompressed(); // rolls are far apart in real use: one gzip at a time
        }
        appender.stop(); // waits for the compression in progress
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(rolled()).extracting(p -> p.getFileName().toString())
                .containsExactly("access.log." + today + ".0.gz", "access.log." + today + ".1.gz");
        assertThat(gunzip(rolled().get(0))).hasSize(1100).isEqualTo((line + "\n").repeat(11));
        assertThat(Files.size(file())).as("the active file holds only what came after the last roll").isEqualTo(300);
    }

    @Test
    void theFileRollsAtMidnightUtcIntoAFileNamedForTheDayItHolds() throws IOException {
        open(new LoggingConfig.Rotation(1 << 20, Duration.ofDays(14), 0));
        long now = System.currentTimeMillis();
        setPolicyTime(now);
        write("first day");
        setPolicyTime(now + DAY);
        write("second day");
        appender.stop();
        String firstDay = LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).toString();
        assertThat(rolled()).extracting(p -> p.getFileName().toString()).containsExactly("access.log." + firstDay + ".0.gz");
        assertThat(gunzip(rolled().get(0))).isEqualTo("first day\n");
        assertThat(Files.readString(file())).isEqualTo("second day\n");
    }

    @Test
    void filesOlderThanMaxHistoryAreDeleted() throws IOException {
        open(new LoggingConfig.Rotation(1 << 20, Duration.ofDays(2), 0));
        long start = System.currentTimeMillis();
        for (int day = 0; day < 6; day++) {
            setPolicyTime(start + day * DAY);
            write("day " + day);
            awaitCompressed();
        }
        appender.stop();
        List<String> kept = rolled().stream().map(p -> {
            try {
                return gunzip(p).strip();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(kept).as("the days within max-history, the older ones gone").containsExactly("day 3", "day 4");
    }

    @Test
    void theOldestRolledFilesGoFirstPastTheTotalSizeCap() throws IOException {
        open(new LoggingConfig.Rotation(1024, Duration.ofDays(14), 3 * 1024));
        Random random = new Random(7);
        byte[] noise = new byte[75];
        for (int i = 0; i < 200; i++) { // 20 KB of text that barely compresses: some 20 rolled files
            random.nextBytes(noise);
            write(java.util.Base64.getEncoder().encodeToString(noise) + " " + i);
            awaitCompressed();
        }
        appender.stop();
        List<Path> kept = rolled();
        long older = 0;
        for (Path p : kept.subList(0, kept.size() - 1)) {
            older += Files.size(p);
        }
        // The cap is applied as a file is rolled, while that file is still being gzipped: the
        // files before it stay within the cap.
        assertThat(older).isLessThanOrEqualTo(3 * 1024);
        assertThat(kept).hasSizeBetween(3, 5);
        assertThat(gunzip(kept.get(kept.size() - 1))).as("the newest rolled file is kept").endsWith(" 189\n");
        assertThat(gunzip(kept.get(0))).as("the oldest are gone").doesNotContain(" 0\n");
    }
}
