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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes access-log records: by default to the SLF4J logger {@value #LOGGER_NAME}, which the
 * application routes through an async appender to stdout and a rolling file, so no event loop ever
 * waits on a disk. Thread-safe; shared by all connections; {@link #setDetail} may be called from
 * any thread.
 *
 * <p>Text lines are batched per event loop, like nginx's {@code access_log ... buffer=}: each line
 * is appended to its event loop's buffer, and the buffer is handed to the sink by a task that runs
 * once the loop has processed its current batch of I/O (or at once past 64 KiB). Under load many
 * lines travel in one logging event and one write; when traffic is light, a line still reaches the
 * sink within the same loop iteration. Each string the sink receives is one or more complete lines,
 * each ending in a newline. Text lines look like
 * {@code 2026-11-22T13:19:40.123Z 5f0c1a0000000001 127.0.0.1 "GET /a HTTP/1.1" 200 0 1024 1.234ms backend=node-1 upstream=1.101ms}.
 *
 * <p>In JSON format each exchange is one logging event whose SLF4J key-value pairs are the same
 * fields ({@link AccessLogFields}); the application's JSON encoder writes them, after the event's
 * time, as one object per line. The events are handed over in the same per-loop batches. With detail {@code headers} both formats carry the request's
 * headers as received and the response's as sent, with credentials redacted.
 */
public final class AccessLog {

    /** The logger that receives access-log lines. */
    public static final String LOGGER_NAME = "pibl.access";

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final Consumer<String> lineSink; // text format, else null
    private final Consumer<Map<String, Object>> eventSink; // JSON format, else null
    private volatile LoggingConfig.Detail detail;
    private volatile CachedSecond cachedSecond = new CachedSecond(Long.MIN_VALUE, "");
    private final FastThreadLocal<Batch> batches = new FastThreadLocal<>() {
        @Override
        protected Batch initialValue() {
            return new Batch();
        }
    };

    private AccessLog(LoggingConfig.Detail detail, Clock clock, Consumer<String> lineSink,
            Consumer<Map<String, Object>> eventSink) {
        this.detail = requireNonNull(detail, "detail");
        this.clock = clock;
        this.lineSink = lineSink;
        this.eventSink = eventSink;
    }

    /**
     * Text lines, in batches, to {@code sink} (tests, and callers with a sink of their own).
     *
     * @throws IllegalArgumentException for the JSON format: its events are maps, see {@link #json}
     */
    public AccessLog(LoggingConfig.Format format, LoggingConfig.Detail detail, Clock clock, Consumer<String> sink) {
        this(detail, requireNonNull(clock, "clock"), requireNonNull(sink, "sink"), null);
        if (requireNonNull(format, "format") != LoggingConfig.Format.TEXT) {
            throw new IllegalArgumentException("format: " + format + " (expected: TEXT; JSON events go to AccessLog.json)");
        }
    }

    /**
     * JSON format: each exchange's fields, in order, to {@code events} in the event-loop
     * iteration where it completes, on that loop's thread. The map is the sink's to keep.
     */
    public static AccessLog json(LoggingConfig.Detail detail, Consumer<Map<String, Object>> events) {
        return new AccessLog(detail, null, null, requireNonNull(events, "events"));
    }

    /** An access log writing to the {@value #LOGGER_NAME} logger; disabled when that logger is off. */
    public static AccessLog toLogger(LoggingConfig config) {
        return toLogger(config, LoggerFactory.getLogger(LOGGER_NAME));
    }

    /**
     * An access log writing to {@code logger}: a batch of text lines per event, or in JSON format
     * one event per exchange carrying its fields as key-value pairs. Disabled when the logger is off.
     */
    public static AccessLog toLogger(LoggingConfig config, Logger logger) {
        requireNonNull(logger, "logger");
        boolean on = logger.isInfoEnabled();
        if (config.format() == LoggingConfig.Format.JSON) {
            return json(config.detail(), on ? fields -> log(logger, fields) : fields -> { });
        }
        return new AccessLog(config.format(), config.detail(), Clock.systemUTC(), on ? logger::info : line -> { });
    }

    private static void log(Logger logger, Map<String, Object> fields) {
        LoggingEventBuilder event = logger.atInfo();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            event.addKeyValue(field.getKey(), field.getValue());
        }
        event.log();
    }

    /**
     * How much the exchanges that start from now on show; one in progress keeps the detail it
     * started with, so its request and response are described alike. Any thread (a reload).
     */
    public void setDetail(LoggingConfig.Detail detail) {
        this.detail = requireNonNull(detail, "detail");
    }

    /** The detail in force; read once per exchange, as it starts. */
    boolean logsHeaders() {
        return detail == LoggingConfig.Detail.HEADERS;
    }

    /** Adds {@code r} to the calling event loop's batch, as a text line or a JSON event; {@code loop} flushes it later. */
    void emit(AccessLogRecord r, EventExecutor loop) {
        Batch batch = batches.get();
        if (eventSink != null) {
            batch.events.add(AccessLogFields.of(r));
            if (batch.events.size() >= MAX_BATCH_EVENTS) {
                batch.flush();
                return;
            }
        } else {
            StringBuilder sb = batch.lines;
            text(sb, r);
            sb.append('\n');
            if (sb.length() >= MAX_BATCH_CHARS) {
                batch.flush();
                return;
            }
        }
        if (!batch.scheduled) {
            batch.scheduled = true;
            try {
                loop.execute(batch);
            } catch (RejectedExecutionException shuttingDown) {
                batch.run(); // the loop no longer takes tasks: hand the entries over now
            }
        }
    }

    private static final int MAX_BATCH_CHARS = 64 * 1024;
    private static final int MAX_BATCH_EVENTS = 256;

    /**
     * One event loop's pending entries: text lines, or JSON events. Touched only by that loop's
     * thread. JSON events stay one logging event each, but are handed over together at the end
     * of the loop iteration: the async appender's worker then wakes once per burst and drains
     * it, instead of once per exchange.
     */
    private final class Batch implements Runnable {
        final StringBuilder lines = new StringBuilder(4096);
        final List<Map<String, Object>> events = new ArrayList<>();
        boolean scheduled;

        @Override
        public void run() {
            scheduled = false;
            flush();
        }

        void flush() {
            if (!events.isEmpty()) {
                for (int i = 0; i < events.size(); i++) {
                    eventSink.accept(events.get(i));
                }
                events.clear();
            }
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
            lineSink.accept(text);
        }
    }

    private void text(StringBuilder sb, AccessLogRecord r) {
        appendTime(sb);
        sb.append(' ').append(r.requestId).append(' ').append(r.clientIp).append(" \"");
        escape(sb, orDash(r.method));
        sb.append(' ');
        escape(sb, orDash(r.uri));
        sb.append(' ').append(orDash(r.protocol)).append("\" ").append(r.status)
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
            textHeaders(sb, " req_headers=\"", r.requestHeaders);
        }
        if (r.responseHeaders != null) {
            textHeaders(sb, " resp_headers=\"", r.responseHeaders);
        }
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    /** {@code name: value} lines, separated by an escaped newline, in quotes. */
    private static void textHeaders(StringBuilder sb, String prefix, List<String> headers) {
        sb.append(prefix);
        for (int i = 0; i < headers.size(); i += 2) {
            if (i > 0) {
                sb.append("\\n");
            }
            escape(sb, headers.get(i));
            sb.append(": ");
            escape(sb, headers.get(i + 1));
        }
        sb.append('"');
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

    /** A score with three decimals, or {@code none} when NaN. */
    private static void appendScore(StringBuilder sb, double score, String none) {
        if (Double.isNaN(score)) {
            sb.append(none);
            return;
        }
        appendThousandths(sb, Math.round(score * 1000));
    }

    /**
     * The headers as they are now, flattened to name, value, name, value..., with the values of
     * credentials replaced by {@code <redacted>} so that no secret is ever kept for the log.
     */
    static List<String> capture(HttpHeaders headers) {
        List<String> captured = new ArrayList<>(headers.size() * 2);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            captured.add(e.getKey().toString());
            captured.add(isCredential(e.getKey()) ? "<redacted>" : e.getValue().toString());
        }
        return captured;
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
