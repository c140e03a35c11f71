package dev.pibl.systemtests;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.pibl.balance.HealthRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/**
 * What PIBL logs about its backends' health ({@code backend node-2 is down: 2 failed checks in a
 * row}, {@code ... ejected for 4000 ms: ...}, {@code ... is up}, {@code ... is back}), collected
 * while a scenario runs. Lines arrive from PIBL's event loops and checker; read from the test thread.
 */
final class HealthLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /** One logged line and when (epoch milliseconds). */
    record Line(long atMillis, String message) {
    }

    private final Logger logger = (Logger) LoggerFactory.getLogger(HealthRegistry.class);
    private final Level previous = logger.getLevel();
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private HealthLog() {
    }

    static HealthLog capture() {
        HealthLog log = new HealthLog();
        log.setContext(log.logger.getLoggerContext());
        log.start();
        log.logger.setLevel(Level.INFO); // the "is up" and "is back" lines are INFO
        log.logger.addAppender(log);
        return log;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new Line(event.getTimeStamp(), event.getFormattedMessage()));
    }

    /** The first line containing {@code text} logged at or after {@code sinceMillis}, waiting up to {@code within}. */
    Line await(String text, long sinceMillis, Duration within) {
        Awaitility.await("PIBL to log \"" + text + "\"").atMost(within).until(() -> find(text, sinceMillis) != null);
        return find(text, sinceMillis);
    }

    private Line find(String text, long sinceMillis) {
        return lines.stream().filter(l -> l.atMillis() >= sinceMillis && l.message().contains(text)).findFirst()
                .orElse(null);
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        logger.setLevel(previous);
        stop();
    }
}
