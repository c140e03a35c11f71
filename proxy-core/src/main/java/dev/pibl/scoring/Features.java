package dev.pibl.scoring;

import java.util.List;

/**
 * The behaviour features PIBL keeps per client, in the order of every feature vector: a vector is
 * a {@code double[COUNT]} indexed by these constants, and {@link #NAMES} gives the name each has
 * in model files, feature exports and the admin API.
 *
 * <p>Rates are per second; ratios are shares from 0 to 1 over the last 60 seconds (0 when nothing
 * was seen). Thread-safe (constants only).
 */
public final class Features {

    /** Requests per second over the last second. */
    public static final int RATE_1S = 0;
    /** Requests per second over the last 10 seconds. */
    public static final int RATE_10S = 1;
    /** Requests per second over the last 60 seconds. */
    public static final int RATE_60S = 2;
    /** Share of completed responses with a 4xx status, 404s included. */
    public static final int ERROR_4XX_RATIO = 3;
    /** Share of completed responses that were 404 or 410. */
    public static final int NOT_FOUND_RATIO = 4;
    /** Share of completed responses with a 5xx status. */
    public static final int ERROR_5XX_RATIO = 5;
    /** Distinct paths (query strings ignored) per request. */
    public static final int DISTINCT_PATH_RATIO = 6;
    /** Mean seconds between two requests (exponentially weighted, recent gaps count most). */
    public static final int GAP_MEAN = 7;
    /** Variance of the seconds between two requests, weighted as {@link #GAP_MEAN}. */
    public static final int GAP_VARIANCE = 8;
    /** Coefficient of variation of the gaps (standard deviation / mean): near 0 for a machine's steady beat. */
    public static final int GAP_CV = 9;
    /** Request body bytes per second. */
    public static final int BYTES_IN_RATE = 10;
    /** Response body bytes per second. */
    public static final int BYTES_OUT_RATE = 11;
    /** Share of completed responses answered from the cache (HIT, STALE or REVALIDATED). */
    public static final int CACHE_HIT_RATIO = 12;
    /** Share of requests whose method is not GET or HEAD. */
    public static final int NON_GET_RATIO = 13;
    /** Client connections open now that carried this client's requests. */
    public static final int CONNECTIONS = 14;
    /** Share of requests without a User-Agent (absent or blank). */
    public static final int UA_MISSING = 15;
    /** Share of requests whose User-Agent few other clients send. */
    public static final int UA_RARE = 16;

    /** How many features a vector holds. */
    public static final int COUNT = 17;

    /** The features' names, indexed by the constants above. */
    public static final List<String> NAMES = List.of(
            "rate_1s", "rate_10s", "rate_60s",
            "error_4xx_ratio", "not_found_ratio", "error_5xx_ratio",
            "distinct_path_ratio",
            "gap_mean", "gap_variance", "gap_cv",
            "bytes_in_rate", "bytes_out_rate",
            "cache_hit_ratio", "non_get_ratio",
            "connections",
            "ua_missing", "ua_rare");

    private Features() {
    }

    /** The index of feature {@code name}, or -1 when there is none of that name. */
    public static int indexOf(String name) {
        return NAMES.indexOf(name);
    }
}
