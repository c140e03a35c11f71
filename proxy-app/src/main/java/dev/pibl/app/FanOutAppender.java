package dev.pibl.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Hands each event to several appenders, and flushes them once the async appender's queue is
 * empty. Logback's AsyncAppender takes exactly one appender, so the access log's stdout and file
 * outputs sit behind one of these. Those outputs do not flush per event: one write per drained
 * burst instead of one per event (the JSON access log has an event per exchange), and still
 * nothing waits in a buffer once the queue is empty. Called only by the async appender's worker
 * thread, which is also the only writer of the outputs.
 */
final class FanOutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final List<Appender<ILoggingEvent>> outputs;
    private final BooleanSupplier drained;

    /**
     * @param outputs the appenders; those that write to a stream are set not to flush per event
     * @param drained whether the queue in front of this appender is empty
     */
    FanOutAppender(List<Appender<ILoggingEvent>> outputs, BooleanSupplier drained) {
        this.outputs = List.copyOf(outputs);
        this.drained = drained;
        for (Appender<ILoggingEvent> output : this.outputs) {
            if (output instanceof OutputStreamAppender<ILoggingEvent> stream) {
                stream.setImmediateFlush(false);
            }
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        for (int i = 0; i < outputs.size(); i++) {
            outputs.get(i).doAppend(event);
        }
        if (drained.getAsBoolean()) {
            flush();
        }
    }

    private void flush() {
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i) instanceof OutputStreamAppender<ILoggingEvent> stream) {
                OutputStream out = stream.getOutputStream();
                try {
                    if (out != null) {
                        out.flush();
                    }
                } catch (IOException e) {
                    addError("could not flush " + stream.getName(), e);
                }
            }
        }
    }

    @Override
    public void stop() {
        outputs.forEach(Appender::stop);
        super.stop();
    }
}
