package dev.pibl.app.simulate;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What a simulation plays: how many clients of each kind, how fast, for how long, from which
 * addresses. Everything the plan depends on is here, so equal settings give an equal plan.
 * Immutable; built and read on any thread.
 *
 * @param seed          makes the plan reproducible: same seed, same clients, addresses, paths and times
 * @param duration      how long the traffic lasts, wall clock
 * @param maxRequests   the run stops after this many requests, whatever the duration
 * @param mix           clients per kind; kinds absent or 0 have none
 * @param rates         mean requests (browser: page views) per second of one client, per kind; kinds
 *                      absent use {@link ClientKind#defaultRate()}
 * @param timeScale     multiplies think times and gaps: below 1 plays the same behaviour faster
 * @param forwardedFor  all clients connect from 127.0.0.1 and name themselves in X-Forwarded-For
 * @param firstAddress  the first client's address (source, or X-Forwarded-For); null for the default
 */
public record SimulationSettings(long seed, Duration duration, long maxRequests, Map<ClientKind, Integer> mix,
                                 Map<ClientKind, Double> rates, double timeScale, boolean forwardedFor,
                                 String firstAddress) {

    public static final String DEFAULT_MIX = "browser=40,api=10,crawler=5,flooder=5,scanner=5,stuffer=5,scraper=5";
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
    public static final long DEFAULT_MAX_REQUESTS = 200_000;
    /** Direct mode: sources in 127.0.0.0/8, which Linux routes to loopback without any setup. */
    public static final String DEFAULT_FIRST_SOURCE = "127.1.0.1";
    /** Forwarded mode: private addresses that look like a client network behind a load balancer. */
    public static final String DEFAULT_FIRST_FORWARDED = "10.1.0.1";

    /** Beyond this a simulation is a load test, which bench/ does better. */
    static final int MAX_CLIENTS = 100_000;

    public SimulationSettings {
        requireNonNull(duration, "duration");
        requireNonNull(mix, "mix");
        requireNonNull(rates, "rates");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
        }
        if (maxRequests < 1) {
            throw new IllegalArgumentException("max-requests: " + maxRequests + " (expected: >= 1)");
        }
        if (!(timeScale >= 0.01 && timeScale <= 1000)) {
            // Below 0.01 gaps round to nothing and every client would send as fast as it can.
            throw new IllegalArgumentException("time-scale: " + timeScale + " (expected: 0.01 to 1000)");
        }
        EnumMap<ClientKind, Integer> mixCopy = new EnumMap<>(ClientKind.class);
        long clients = 0;
        for (Map.Entry<ClientKind, Integer> e : mix.entrySet()) {
            int n = requireNonNull(e.getValue(), "mix value");
            if (n < 0) {
                throw new IllegalArgumentException("mix: " + e.getKey().cliName() + "=" + n + " (expected: >= 0)");
            }
            mixCopy.put(requireNonNull(e.getKey(), "mix key"), n);
            clients += n;
        }
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw new IllegalArgumentException("mix: " + clients + " clients (expected: 1 to " + MAX_CLIENTS + ")");
        }
        EnumMap<ClientKind, Double> rateCopy = new EnumMap<>(ClientKind.class);
        for (ClientKind kind : ClientKind.values()) {
            Double rate = rates.get(kind);
            double r = rate == null ? kind.defaultRate() : rate;
            if (!(r > 0 && r <= 100_000)) {
                throw new IllegalArgumentException("rate: " + kind.cliName() + "=" + r + " (expected: > 0 and <= 100000)");
            }
            rateCopy.put(kind, r);
        }
        mix = Collections.unmodifiableMap(mixCopy);
        rates = Collections.unmodifiableMap(rateCopy);
        if (firstAddress != null) {
            Ipv4.parse(firstAddress);
        }
    }

    /** The defaults of {@code pibl simulate}, with this seed. */
    public static SimulationSettings defaults(long seed) {
        return new SimulationSettings(seed, DEFAULT_DURATION, DEFAULT_MAX_REQUESTS, parseMix(DEFAULT_MIX), Map.of(),
                1.0, false, null);
    }

    public int clients() {
        return mix.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The first client's address, the default for the mode when none was given. */
    public String effectiveFirstAddress() {
        if (firstAddress != null) {
            return firstAddress;
        }
        return forwardedFor ? DEFAULT_FIRST_FORWARDED : DEFAULT_FIRST_SOURCE;
    }

    /**
     * Reads {@code kind=N,kind=N}: clients per kind. Kinds not named get none.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static Map<ClientKind, Integer> parseMix(String text) {
        EnumMap<ClientKind, Integer> mix = new EnumMap<>(ClientKind.class);
        pairs(text, "mix", (kind, value) -> mix.put(kind, (int) wholeNumber(value, "mix", kind)));
        return mix;
    }

    /**
     * Reads {@code kind=R,kind=R}: mean requests per second per client (page views for a browser).
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static Map<ClientKind, Double> parseRates(String text) {
        EnumMap<ClientKind, Double> rates = new EnumMap<>(ClientKind.class);
        pairs(text, "rate", (kind, value) -> {
            try {
                rates.put(kind, Double.parseDouble(value));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("rate: " + kind.cliName() + "=" + value + " (expected: a number)");
            }
        });
        return rates;
    }

    private static void pairs(String text, String what, java.util.function.BiConsumer<ClientKind, String> sink) {
        requireNonNull(text, what);
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(what + ": \"" + part.trim() + "\" (expected: kind=value, such as flooder=5)");
            }
            ClientKind kind;
            try {
                kind = ClientKind.parse(part.substring(0, eq));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
            }
            sink.accept(kind, part.substring(eq + 1).trim());
        }
    }

    private static long wholeNumber(String value, String what, ClientKind kind) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": " + kind.cliName() + "=" + value + " (expected: a whole number)");
        }
    }
}
