package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each client's feature vector as it is scored, one JSON object per line, so a model can
 * be trained on what PIBL really saw ({@code pibl train}):
 *
 * <pre>
 * {"time":"2026-11-22T19:00:00.123Z","key":"203.0.113.7","ip":"203.0.113.7","requests":57,
 *  "features":{"rate_1s":3.0,...},"score":0.12,"tier":"trusted","model":"behaviour-handset-1"}
 * </pre>
 *
 * {@code score}, {@code tier} and {@code model} are the routing scorer's answer to this vector
 * ({@code null} when it failed). Lines go to the {@value #LOGGER_NAME} logger, whose appender
 * (set up by the application: a rolling file behind an async queue that drops rather than
 * blocks) writes them off the event loop. Thread-safe; called on event loops.
 */
public final class FeatureExport {

    /** The logger feature lines are written to. */
    public static final String LOGGER_NAME = "pibl.features";

    private final Consumer<String> sink;
    private final Clock clock;

    public FeatureExport(Consumer<String> sink, Clock clock) {
        this.sink = requireNonNull(sink, "sink");
        this.clock = requireNonNull(clock, "clock");
    }

    /** An export to the {@value #LOGGER_NAME} logger. */
    public static FeatureExport toLogger() {
        Logger logger = LoggerFactory.getLogger(LOGGER_NAME);
        return new FeatureExport(logger::info, Clock.systemUTC());
    }

    /**
     * One scored vector.
     *
     * @param score NaN when the scorer gave none; {@code tier} and {@code model} then null
     */
    public void write(String key, String ip, long requests, double[] features, double score, String tier,
            String model) {
        StringBuilder sb = new StringBuilder(640);
        sb.append("{\"time\":\"").append(Instant.ofEpochMilli(clock.millis())).append("\",\"key\":");
        string(sb, key);
        sb.append(",\"ip\":");
        string(sb, ip);
        sb.append(",\"requests\":").append(requests).append(",\"features\":{");
        for (int i = 0; i < Features.COUNT; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(Features.NAMES.get(i)).append("\":");
            number(sb, features[i]);
        }
        sb.append("},\"score\":");
        number(sb, score);
        sb.append(",\"tier\":");
        string(sb, tier);
        sb.append(",\"model\":");
        string(sb, model);
        sink.accept(sb.append('}').toString());
    }

    private static void number(StringBuilder sb, double value) {
        if (Double.isFinite(value)) {
            sb.append(value);
        } else {
            sb.append("null"); // JSON has no NaN
        }
    }

    /** A JSON string, or null; keys, addresses and tier names need no escaping, model versions might. */
    private static void string(StringBuilder sb, String value) {
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
