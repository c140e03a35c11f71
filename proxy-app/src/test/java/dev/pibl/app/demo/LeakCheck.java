package dev.pibl.app.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Turns Netty's leak reports into test failures. Netty only logs a leak, and only once the
 * leaked buffer has been garbage-collected and another buffer is allocated, so {@link #assertNoLeaks()}
 * collects garbage and allocates until a report, if any, has had its chance to appear.
 *
 * <p>It listens to the detector's logger rather than installing a detector factory because the
 * factory must be set before the first ByteBuf class loads, which another test may already have done.
 */
final class LeakCheck {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        // Without a logback config Netty logs at DEBUG; its leak reports are ERROR, so INFO loses nothing.
        ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.INFO);
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        AppenderBase<ILoggingEvent> recorder = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.ERROR) && event.getFormattedMessage().contains("LEAK")) {
                    LEAKS.add(event.getFormattedMessage());
                }
            }
        };
        recorder.setName("leak-check");
        recorder.setContext(detector.getLoggerContext());
        recorder.start();
        detector.addAppender(recorder);
    }

    private LeakCheck() {
    }

    /** Loads the class, attaching the recorder; call before the code under test allocates. */
    static void install() {
        // The static initializer does the work.
    }

    static void assertNoLeaks() {
        for (int round = 0; round < 5; round++) {
            System.gc();
            // Under PARANOID every allocation polls the detector's reference queue and logs what it finds.
            for (int i = 0; i < 64; i++) {
                UnpooledByteBufAllocator.DEFAULT.directBuffer(1).release();
            }
            Thread.yield();
        }
        List<String> found = List.copyOf(LEAKS);
        LEAKS.clear();
        assertThat(found).as("Netty leak reports").isEmpty();
    }
}
