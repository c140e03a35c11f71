package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import dev.pibl.config.LoggingConfig;
import dev.pibl.logging.AccessLog;
import dev.pibl.scoring.FeatureExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link LoggingSetup} routes where: the access log to its file (not flushed per event, yet
 * never left in a buffer once the queue is empty), the feature lines to theirs, each file rolling
 * as {@code logging.rotate} says.
 */
class LoggingSetupTest {

    @TempDir
    Path dir;

    private final LoggerContext context = new LoggerContext();

    {
        context.setMDCAdapter(new LogbackMDCAdapter()); // what Logback's SLF4J provider gives the global context
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Test
    void aLoneLineReachesTheFileWithoutWaitingForMore() throws Exception {
        Path file = dir.resolve("access.log");
        LoggingSetup.configure(context, new LoggingConfig(file, false, LoggingConfig.Format.TEXT,
                LoggingConfig.Detail.SUMMARY), null);
        context.getLogger(AccessLog.LOGGER_NAME).info("one line\n");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> read(file).equals("one line\n"));
    }

    @Test
    void jsonEventsAreOneObjectPerLineWithTheTimeFirst() throws Exception {
        Path file = dir.resolve("access.log");
        LoggingSetup.configure(context, new LoggingConfig(file, false, LoggingConfig.Format.JSON,
                LoggingConfig.Detail.SUMMARY), null);
        for (int i = 0; i < 2; i++) {
            context.getLogger(AccessLog.LOGGER_NAME).atInfo().addKeyValue("status", 200 + i)
                    .addKeyValue("uri", "/\"q\"\n").log();
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> read(file).lines().count() == 2);
        assertThat(read(file).lines()).allSatisfy(line -> assertThat(line)
                .matches("\\{\"time\":\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\",\"status\":20[01],"
                        + "\"uri\":\"/\\\\\"q\\\\\"\\\\n\"}"));
    }

    @Test
    void featureLinesGoToTheirOwnFileUnderTheSameRotation() throws Exception {
        Path access = dir.resolve("access.log");
        Path features = dir.resolve("features.jsonl");
        LoggingSetup.configure(context, new LoggingConfig(access, false, LoggingConfig.Format.TEXT,
                LoggingConfig.Detail.SUMMARY, new LoggingConfig.Rotation(1024, Duration.ofDays(14), 0)), features);
        String line = "{\"key\":\"" + "k".repeat(90) + "\"}";
        for (int i = 0; i < 12; i++) { // past 1 KiB: the file rolls
            context.getLogger(FeatureExport.LOGGER_NAME).info(line);
        }
        Path rolled = dir.resolve("features.jsonl." + LocalDate.now(ZoneOffset.UTC) + ".0.gz");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(rolled));
        context.stop(); // drains the queue and waits for the gzip
        assertThat(read(features)).isEqualTo(line + "\n");
        assertThat(read(access)).isEmpty();
    }
}
