package dev.pibl.app.simulate;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kinds of client {@code pibl simulate} plays, each labelled benign or abusive, with the mean
 * request rate a client of the kind has before {@code --time-scale} (for a browser: page views
 * per second; its assets come on top). Immutable; used from any thread.
 */
public enum ClientKind {
    /** Page views with think time, each followed by a burst of assets over up to six connections. */
    BROWSER(false, 1.0 / 3),
    /** A program reading an API on a steady beat of 0.5 to 1 s. */
    API(false, 1.0 / 0.75),
    /** A polite crawler: robots.txt first, then distinct pages at about one a second. */
    CRAWLER(false, 1.0),
    /** Hundreds of requests a second to one or a few paths. */
    FLOODER(true, 300),
    /** Random probes for admin pages, secrets and known exploits: mostly 404. */
    SCANNER(true, 20),
    /** Credential stuffing: POST /login again and again, answered 401. */
    STUFFER(true, 7.5),
    /** Low and slow: distinct pages on a steady beat, no assets. */
    SCRAPER(true, 3.5);

    private final boolean abusive;
    private final double defaultRate;

    ClientKind(boolean abusive, double defaultRate) {
        this.abusive = abusive;
        this.defaultRate = defaultRate;
    }

    public boolean abusive() {
        return abusive;
    }

    /** {@code "benign"} or {@code "abusive"}, as the labels file writes it. */
    public String label() {
        return abusive ? "abusive" : "benign";
    }

    /** Mean requests (page views for a browser) per second of one client, before the time scale. */
    public double defaultRate() {
        return defaultRate;
    }

    /** The name the command line and the labels file use: {@code browser}, {@code flooder}... */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the kinds there are
     */
    public static ClientKind parse(String name) {
        for (ClientKind kind : values()) {
            if (kind.cliName().equalsIgnoreCase(name.trim())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" (expected: one of " + names() + ")");
    }

    static String names() {
        return Arrays.stream(values()).map(ClientKind::cliName).collect(Collectors.joining(", "));
    }
}
