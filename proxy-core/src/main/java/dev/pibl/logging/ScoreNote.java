package dev.pibl.logging;

/**
 * What the scoring stage adds to one exchange's access-log line (score, tier, model, shadow
 * score), and who wants to hear how the exchange ended. Obtained from
 * {@link AccessLogHandler#noteScoring()} when the request arrives, filled in when its tier is
 * decided, which may be later. Used on the connection's event loop only.
 */
public final class ScoreNote {

    /** Told how an exchange ended, when its log line is written. */
    @FunctionalInterface
    public interface Observer {
        /**
         * @param status   the status sent (499 when the client left first)
         * @param cacheHit whether the cache answered (HIT, STALE or REVALIDATED)
         * @param byProxy  whether PIBL answered itself: neither a backend nor the cache did
         */
        void completed(int status, long bytesIn, long bytesOut, boolean cacheHit, boolean byProxy);
    }

    String clientKey;
    double score = Double.NaN;
    String tier;
    boolean fallback;
    String model;
    double shadow = Double.NaN;
    boolean hasShadow;
    Observer observer;

    ScoreNote() {
    }

    /** The client's key, logged when it differs from the peer's address (a client behind a proxy). */
    public ScoreNote clientKey(String key) {
        this.clientKey = key;
        return this;
    }

    /**
     * The routing decision.
     *
     * @param score    NaN when the tier is the fallback's
     * @param fallback whether the tier is the fallback tier rather than the client's own
     * @param model    what produced the score, or null
     */
    public ScoreNote decision(double score, String tier, boolean fallback, String model) {
        this.score = score;
        this.tier = tier;
        this.fallback = fallback;
        this.model = model;
        return this;
    }

    /** The shadow scorer's score (NaN when it has none yet); only called when a shadow runs. */
    public ScoreNote shadow(double score) {
        this.shadow = score;
        this.hasShadow = true;
        return this;
    }

    public ScoreNote observer(Observer observer) {
        this.observer = observer;
        return this;
    }
}
