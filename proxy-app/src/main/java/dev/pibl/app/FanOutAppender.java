package dev.pibl.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.List;

/**
 * Hands each event to several appenders. Logback's AsyncAppender takes exactly one appender, so
 * the access log's stdout and file outputs sit behind one of these. Called only by the async
 * appender's worker thread.
 */
final class FanOutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final List<Appender<ILoggingEvent>> outputs;

    FanOutAppender(List<Appender<ILoggingEvent>> outputs) {
        this.outputs = List.copyOf(outputs);
    }

    @Override
    protected void append(ILoggingEvent event) {
        for (int i = 0; i < outputs.size(); i++) {
            outputs.get(i).doAppend(event);
        }
    }

    @Override
    public void stop() {
        outputs.forEach(Appender::stop);
        super.stop();
    }
}
