package dev.pibl.app;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes access-log lines to buffered outputs (stdout, the rolling file) and flushes them when the
 * async queue in front of it runs empty. Under load many lines share one write system call; when
 * traffic stops the last lines reach the disk at once instead of waiting for a buffer to fill.
 *
 * <p>Called only by the {@link AsyncAppender}'s single worker thread, which is also the only
 * thread that writes to the wrapped appenders, so flushing here needs no lock.
 */
final class FlushWhenIdleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final AsyncAppender queue;
    private final List<OutputStreamAppender<ILoggingEvent>> outputs;

    FlushWhenIdleAppender(AsyncAppender queue, List<OutputStreamAppender<ILoggingEvent>> outputs) {
        this.queue = queue;
        this.outputs = List.copyOf(outputs);
    }

    @Override
    protected void append(ILoggingEvent event) {
        for (int i = 0; i < outputs.size(); i++) {
            outputs.get(i).doAppend(event);
        }
        if (queue.getNumberOfElementsInQueue() == 0) {
            flush();
        }
    }

    private void flush() {
        for (int i = 0; i < outputs.size(); i++) {
            OutputStream out = outputs.get(i).getOutputStream();
            if (out == null) {
                continue;
            }
            try {
                out.flush();
            } catch (IOException e) {
                addError("cannot flush the access log", e);
            }
        }
    }

    @Override
    public void stop() {
        flush();
        for (OutputStreamAppender<ILoggingEvent> out : outputs) {
            out.stop();
        }
        super.stop();
    }
}
