package dev.pibl.logging;

import static java.util.Objects.requireNonNull;

import dev.pibl.config.LoggingConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats access-log records and hands them to a sink in batches: by default the SLF4J logger
 * {@value #LOGGER_NAME}, which the application routes through an async appender to stdout and a
 * rolling file, so no event loop ever waits on a disk. Thread-safe; shared by all connections.
 *
 * <p>Lines are batched per event loop, like nginx's {@code access_log ... buffer=}: each line is
 * appended to its event loop's buffer, and the buffer is handed to the sink by a task that runs
 * once the loop has processed its current batch of I/O (or at once past 64 KiB). Under load many
 * lines travel in one logging event and one write; when traffic is light, a line still reaches the
 * sink within the same loop iteration. Each string the sink receives is one or more complete lines,
 * each ending in a newline.
 *
 * <p>Text lines look like
 * {@code 2026-11-22T13:19:40.123Z 5f0c1a0000000001 127.0.0.1 "GET /a HTTP/1.1" 200 0 1024 1.234ms backend=node-1 upstream=1.101ms};
 * JSON lines carry the same fields as one object. With detail {@code headers} both carry the
 * request's headers as received and the response's as sent, with credentials redacted.
 */
public final class AccessLog {

    /** The logger that receives access-log lines. */
    public static final String LOGGER_NAME = "pibl.access";

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final LoggingConfig.Format format;
    private final LoggingConfig.Detail detail;
    private final Clock clock;
    private final Consumer<String> sink;
    private volatile CachedSecond cachedSecond = new CachedSecond(Long.MIN_VALUE, "");
    private final FastThreadLocal<Batch> batches = new FastThreadLocal<>() {
        @Override
        protected Batch initialValue() {
            return new Batch();
        }
    };

    public AccessLog(LoggingConfig.Format format, LoggingConfig.Detail detail, Clock clock, Consumer<String> sink) {
        this.format = requireNonNull(format, "format");
        this.detail = requireNonNull(detail, "detail");
        this.clock = requireNonNull(clock, "clock");
        this.sink = requireNonNull(sink, "sink");
    }

    /** An access log writing to the {@value #LOGGER_NAME} logger; disabled when that logger is off. */
    public static AccessLog toLogger(LoggingConfig config) {
        Logger logger = LoggerFactory.getLogger(LOGGER_NAME);
        if (!logger.isInfoEnabled()) {
            return new AccessLog(config.format(), config.detail(), Clock.systemUTC(), line -> { });
        }
        return new AccessLog(config.format(), config.detail(), Clock.systemUTC(), logger::info);
    }

    boolean logsHeaders() {
        return detail == LoggingConfig.Detail.HEADERS;
    }

    /** Formats {@code r} into the calling event loop's batch; {@code loop} flushes it later. */
    void emit(AccessLogRecord r, EventExecutor loop) {
        Batch batch = batches.get();
        StringBuilder sb = batch.lines;
        if (format == LoggingConfig.Format.JSON) {
            json(sb, r);
        } else {
            text(sb, r);
        }
        sb.append('\n');
        if (sb.length() >= MAX_BATCH_CHARS) {
            batch.flush();
        } else if (!batch.scheduled) {
            batch.scheduled = true;
            try {
                loop.execute(batch);
            } catch (RejectedExecutionException shuttingDown) {
                batch.run(); // the loop no longer takes tasks: hand the lines over now
            }
        }
    }

    private static final int MAX_BATCH_CHARS = 64 * 1024;

    /** One event loop's pending lines. Touched only by that loop's thread. */
    private final class Batch implements Runnable {
        final StringBuilder lines = new StringBuilder(4096);
        boolean scheduled;

        @Override
        public void run() {
            scheduled = false;
            flush();
        }

        void flush() {
            if (lines.length() == 0) {
                return;
            }
            String text = lines.toString();
            if (lines.capacity() > 4 * MAX_BATCH_CHARS) {
                lines.setLength(0);
                lines.trimToSize(); // a burst of huge header lines should not pin memory forever
            } else {
                lines.setLength(0);
            }
            sink.accept(text);
        }
    }

    private void text(StringBuilder sb, AccessLogRecord r) {
        appendTime(sb);
        sb.append(' ').append(r.requestId).append(' ').append(r.clientIp).append(" \"");
        escape(sb, r.method);
        sb.append(' ');
        escape(sb, r.uri);
        sb.append(' ').append(r.protocol).append("\" ").append(r.status)
                .append(' ').append(r.bytesIn).append(' ').append(r.bytesOut).append(' ');
        appendMillis(sb, r.durationNanos);
        sb.append("ms backend=").append(r.backend == null ? "-" : r.backend).append(" upstream=");
        if (r.upstreamNanos < 0) {
            sb.append('-');
        } else {
            appendMillis(sb, r.upstreamNanos);
            sb.append("ms");
        }
        if (r.cache != null) {
            sb.append(" cache=").append(r.cache);
        }
        if (r.scoring != null) {
            textScoring(sb, r.scoring, r.clientIp);
        }
        if (r.aborted != null) {
            sb.append(" aborted=").append(r.aborted);
        }
        if (r.requestHeaders != null) {
            sb.append(" req_headers=\"");
            escape(sb, r.requestHeaders);
            sb.append('"');
        }
        if (r.responseHeaders != null) {
            sb.append(" resp_headers=\"");
            escape(sb, r.responseHeaders);
            sb.append('"');
        }
    }

    private void json(StringBuilder sb, AccessLogRecord r) {
        sb.append("{\"time\":\"");
        appendTime(sb);
        sb.append("\",\"request_id\":\"").append(r.requestId)
                .append("\",\"client\":\"").append(r.clientIp)
                .append("\",\"method\":\"");
        escape(sb, r.method);
        sb.append("\",\"uri\":\"");
        escape(sb, r.uri);
        sb.append("\",\"protocol\":\"").append(r.protocol)
                .append("\",\"status\":").append(r.status)
                .append(",\"bytes_in\":").append(r.bytesIn)
                .append(",\"bytes_out\":").append(r.bytesOut)
                .append(",\"duration_ms\":");
        appendMillis(sb, r.durationNanos);
        sb.append(",\"backend\":");
        if (r.backend == null) {
            sb.append("null");
        } else {
            sb.append('"');
            escape(sb, r.backend);
            sb.append('"');
        }
        sb.append(",\"upstream_ms\":");
        if (r.upstreamNanos < 0) {
            sb.append("null");
        } else {
            appendMillis(sb, r.upstreamNanos);
        }
        if (r.cache != null) {
            sb.append(",\"cache\":\"").append(r.cache).append('"');
        }
        if (r.scoring != null) {
            jsonScoring(sb, r.scoring, r.clientIp);
        }
        if (r.aborted != null) {
            sb.append(",\"aborted\":\"").append(r.aborted).append('"');
        }
        if (r.requestHeaders != null) {
            sb.append(",\"request_headers\":\"");
            escape(sb, r.requestHeaders);
            sb.append('"');
        }
        if (r.responseHeaders != null) {
            sb.append(",\"response_headers\":\"");
            escape(sb, r.responseHeaders);
            sb.append('"');
        }
        sb.append('}');
    }

    /** {@code key=… score=0.123 tier=trusted model=v1 shadow=0.456}; the tier marked when it is the fallback. */
    private static void textScoring(StringBuilder sb, ScoreNote n, String clientIp) {
        if (n.tier == null) {
            return; // the exchange ended before its tier was decided
        }
        if (n.clientKey != null && !n.clientKey.equals(clientIp)) {
            sb.append(" key=").append(n.clientKey);
        }
        sb.append(" score=");
        appendScore(sb, n.score, "-");
        sb.append(" tier=").append(n.tier);
        if (n.fallback) {
            sb.append("(fallback)");
        }
        sb.append(" model=");
        if (n.model == null) {
            sb.append('-');
        } else {
            escape(sb, n.model);
        }
        if (n.hasShadow) {
            sb.append(" shadow=");
            appendScore(sb, n.shadow, "-");
        }
    }

    private static void jsonScoring(StringBuilder sb, ScoreNote n, String clientIp) {
        if (n.tier == null) {
            return;
        }
        if (n.clientKey != null && !n.clientKey.equals(clientIp)) {
            sb.append(",\"client_key\":\"");
            escape(sb, n.clientKey);
            sb.append('"');
        }
        sb.append(",\"score\":");
        appendScore(sb, n.score, "null");
        sb.append(",\"tier\":\"").append(n.tier).append("\",\"tier_fallback\":").append(n.fallback)
                .append(",\"model\":");
        if (n.model == null) {
            sb.append("null");
        } else {
            sb.append('"');
            escape(sb, n.model);
            sb.append('"');
        }
        if (n.hasShadow) {
            sb.append(",\"shadow_score\":");
            appendScore(sb, n.shadow, "null");
        }
    }

    /** A score with three decimals, or {@code none} when NaN. */
    private static void appendScore(StringBuilder sb, double score, String none) {
        if (Double.isNaN(score)) {
            sb.append(none);
            return;
        }
        appendThousandths(sb, Math.round(score * 1000));
    }

    /** Header lines as {@code name: value}, separated by a newline (escaped to \n in the log). */
    static String describe(HttpHeaders headers) {
        StringBuilder sb = new StringBuilder(headers.size() * 32);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(e.getKey()).append(": ");
            sb.append(isCredential(e.getKey()) ? "<redacted>" : e.getValue());
        }
        return sb.toString();
    }

    private static boolean isCredential(CharSequence name) {
        String n = name.toString();
        return n.equalsIgnoreCase("authorization") || n.equalsIgnoreCase("proxy-authorization")
                || n.equalsIgnoreCase("cookie") || n.equalsIgnoreCase("set-cookie");
    }

    private void appendTime(StringBuilder sb) {
        long millis = clock.millis();
        long second = Math.floorDiv(millis, 1000);
        CachedSecond cached = cachedSecond;
        if (cached.epochSecond != second) {
            cached = new CachedSecond(second, SECONDS.format(Instant.ofEpochSecond(second)));
            cachedSecond = cached;
        }
        int ms = (int) Math.floorMod(millis, 1000);
        sb.append(cached.text).append('.');
        if (ms < 100) {
            sb.append('0');
        }
        if (ms < 10) {
            sb.append('0');
        }
        sb.append(ms).append('Z');
    }

    private static void appendMillis(StringBuilder sb, long nanos) {
        appendThousandths(sb, nanos / 1000);
    }

    /** {@code value / 1000} with exactly three decimals. */
    private static void appendThousandths(StringBuilder sb, long value) {
        sb.append(value / 1000).append('.');
        long frac = value % 1000;
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    /** Escapes quotes, backslashes and control characters so one exchange stays one line. */
    private static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            } else {
                sb.append(c);
            }
        }
    }

    private record CachedSecond(long epochSecond, String text) {
    }
}
