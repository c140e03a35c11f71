package dev.pibl.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Appender;
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
import org.slf4j.LoggerFactory;

/**
 * Routes the two log streams once the config is known, replacing logback.xml's start-up setup:
 * <ul>
 *   <li>access log ({@value AccessLog#LOGGER_NAME}): each event is a batch of complete lines from
 *       one event loop ({@link AccessLog}); an async appender takes it off the event loop and writes
 *       it with one write call to stdout and one to a rolling file (daily and at 100 MiB, gzipped,
 *       14 days and 5 GiB kept);</li>
 *   <li>feature vectors ({@value FeatureExport#LOGGER_NAME}), when
 *       {@code balancing.score.export-features} names a file: one JSON line per scored vector,
 *       through their own async appender to a rolling file of their own;</li>
 *   <li>application messages (start-up, backend failures): stderr, also through an async
 *       appender so a burst of backend errors never blocks an event loop, and so stdout stays
 *       one access line per exchange for whoever parses it.</li>
 * </ul>
 * Both queues drop rather than block when full: an event loop must never wait on a disk or a
 * terminal. Called once from the main thread before the server starts.
 */
final class LoggingSetup {

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
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
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

        List<Appender<ILoggingEvent>> outputs = new ArrayList<>();
        if (config.stdout()) {
            ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
            stdout.setContext(context);
            stdout.setName("access-stdout");
            stdout.setEncoder(encoder(context, "%msg"));
            stdout.start();
            outputs.add(stdout);
        }
        outputs.add(rollingFile(context, "access-file", config.file(), "%msg", "logging.file"));
        Logger access = context.getLogger(AccessLog.LOGGER_NAME);
        access.setAdditive(false);
        access.setLevel(Level.INFO);
        access.addAppender(async(context, "access", 1024, outputs));
        Logger features = context.getLogger(FeatureExport.LOGGER_NAME);
        features.setAdditive(false); // never on stdout among the access lines
        if (featuresFile != null) {
            features.setLevel(Level.INFO);
            features.addAppender(async(context, "features", 8192, List.of(rollingFile(context, "features-file",
                    featuresFile, "%msg%n", "balancing.score.export-features"))));
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
        FanOutAppender fanOut = new FanOutAppender(outputs);
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

    private static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, String name, Path file,
            String pattern, String key) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setFile(file.toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(FileSize.valueOf("100MB"));
        policy.setMaxHistory(14);
        policy.setTotalSizeCap(FileSize.valueOf("5GB"));
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder(context, pattern));
        appender.start();
        if (!appender.isStarted()) {
            throw new IllegalStateException(key + ": " + file + " (expected: a file PIBL can create and write)");
        }
        return appender;
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }
}
