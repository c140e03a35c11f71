package dev.pibl.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import ch.qos.logback.core.util.StatusPrinter2;
import dev.pibl.config.LoggingConfig;
import dev.pibl.logging.AccessLog;
import dev.pibl.scoring.FeatureExport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventJsonProviders;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.LoggerFactory;

/**
 * Routes the log streams once the config is known, replacing logback.xml's start-up setup:
 * <ul>
 *   <li>access log ({@value AccessLog#LOGGER_NAME}): in text format each event is a batch of
 *       complete lines from one event loop ({@link AccessLog}), written as they are; in JSON format
 *       each event is one exchange whose key-value pairs a logstash-logback-encoder composite
 *       encoder writes, after the time, as one JSON object per line. An async appender takes the
 *       events off the event loops and writes them to stdout and to a rolling file;</li>
 *   <li>feature vectors ({@value FeatureExport#LOGGER_NAME}), when
 *       {@code balancing.score.export-features} names a file: one JSON line per scored vector,
 *       through their own async appender to a rolling file of their own;</li>
 *   <li>application messages (start-up, backend failures): stderr, also through an async
 *       appender so a burst of backend errors never blocks an event loop, and so stdout stays
 *       one access line per exchange for whoever parses it.</li>
 * </ul>
 * Both files roll as {@code logging.rotate} says: at midnight UTC (so a rolled file holds one
 * UTC day, like the times in it) and at {@code max-file-size}, gzipped, with old files deleted
 * by age and total size, also at start-up. The queues drop rather than block when full: an event
 * loop must never wait on a disk or a terminal. Called from the main thread before the server
 * starts.
 */
final class LoggingSetup {

    /** Access-log time as text lines show it: UTC, milliseconds, {@code Z}. */
    private static final String TIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSX";

    private LoggingSetup() {
    }

    static void apply(LoggingConfig config) {
        apply(config, null);
    }

    /**
     * @param featuresFile where {@value FeatureExport#LOGGER_NAME} lines go (a rolling file, as the
     *                     access log), or null when features are not exported
     */
    static void apply(LoggingConfig config, Path featuresFile) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), config, featuresFile);
    }

    /** {@link #apply} on {@code context}, which tests give a context of their own. */
    static void configure(LoggerContext context, LoggingConfig config, Path featuresFile) {
        context.reset();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("app-stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder(context, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n"));
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(async(context, "app", 4096, List.of(stderr)));
        context.getLogger("io.netty").setLevel(Level.WARN);

        boolean json = config.format() == LoggingConfig.Format.JSON;
        List<Appender<ILoggingEvent>> outputs = new ArrayList<>();
        if (config.stdout()) {
            ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
            stdout.setContext(context);
            stdout.setName("access-stdout");
            stdout.setEncoder(json ? jsonEncoder(context) : encoder(context, "%msg"));
            stdout.start();
            outputs.add(stdout);
        }
        outputs.add(rollingFile(context, "access-file", config.file(),
                json ? jsonEncoder(context) : encoder(context, "%msg"), config.rotate(), "logging.file"));
        Logger access = context.getLogger(AccessLog.LOGGER_NAME);
        access.setAdditive(false);
        access.setLevel(Level.INFO);
        // JSON travels as one event per exchange instead of one per loop iteration: a deeper queue
        // absorbs the same bursts.
        access.addAppender(async(context, "access", json ? 8192 : 1024, outputs));
        Logger features = context.getLogger(FeatureExport.LOGGER_NAME);
        features.setAdditive(false); // never on stdout among the access lines
        if (featuresFile != null) {
            features.setLevel(Level.INFO);
            features.addAppender(async(context, "features", 8192, List.of(rollingFile(context, "features-file",
                    featuresFile, encoder(context, "%msg%n"), config.rotate(), "balancing.score.export-features"))));
        } else {
            features.setLevel(Level.OFF);
        }
        // Logback reports its own problems (an unwritable file, a bad pattern) only to its status
        // manager; show them, since they mean lost log lines.
        StatusPrinter2 printer = new StatusPrinter2();
        printer.printInCaseOfErrorsOrWarnings(context);
    }

    private static AsyncAppender async(LoggerContext context, String name, int queueSize,
            List<Appender<ILoggingEvent>> outputs) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(name);
        async.setQueueSize(queueSize);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        FanOutAppender fanOut = new FanOutAppender(outputs, () -> async.getNumberOfElementsInQueue() == 0);
        fanOut.setContext(context);
        fanOut.setName(name + "-outputs");
        fanOut.start();
        async.addAppender(fanOut);
        async.start();
        return async;
    }

    /** Flushes and closes every appender; call last on shutdown. */
    static void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    /**
     * A file rolled daily (UTC) and at the rotation's size, gzipped, old files deleted as it says.
     *
     * @param key the config key naming {@code file}, for the message when it cannot be written
     */
    static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, String name, Path file,
            Encoder<ILoggingEvent> encoder, LoggingConfig.Rotation rotate, String key) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(file + ".%d{yyyy-MM-dd,UTC}.%i.gz");
        policy.setMaxFileSize(new FileSize(rotate.maxFileSize()));
        policy.setMaxHistory((int) rotate.maxHistory().toDays()); // the pattern rolls daily: periods are days
        if (rotate.totalSizeCap() > 0) {
            policy.setTotalSizeCap(new FileSize(rotate.totalSizeCap()));
        }
        policy.setCleanHistoryOnStart(true); // retention holds even for a process restarted before midnight
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalStateException(key + ": " + file + " (expected: a file PIBL can create and write)");
        }
        return appender;
    }

    /**
     * The JSON access log's encoder: the event's time as {@code time}, then its key-value pairs
     * as top-level fields, one object per line. Nothing else: logger, thread and level are the
     * same on every line and would only be noise.
     */
    static LoggingEventCompositeJsonEncoder jsonEncoder(LoggerContext context) {
        LoggingEventFormattedTimestampJsonProvider time = new LoggingEventFormattedTimestampJsonProvider();
        time.setFieldName("time");
        time.setPattern(TIME_PATTERN);
        time.setTimeZone("UTC");
        LoggingEventJsonProviders providers = new LoggingEventJsonProviders();
        providers.addTimestamp(time);
        providers.addKeyValuePairs(new KeyValuePairsJsonProvider());
        LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
        encoder.setContext(context);
        encoder.setProviders(providers);
        encoder.setLineSeparator("UNIX");
        encoder.start();
        return encoder;
    }

    static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
