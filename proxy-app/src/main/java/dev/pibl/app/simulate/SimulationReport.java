package dev.pibl.app.simulate;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * What a run sent and got, per client kind: the summary {@code pibl simulate} prints. Immutable;
 * made by {@link Simulator#run} on the caller's thread once the run is over, read on any thread.
 *
 * @param target  where the traffic went
 * @param elapsed from the first request to the last answer
 * @param kinds   one entry per kind that had clients, in {@link ClientKind} order
 */
public record SimulationReport(String target, Duration elapsed, List<KindSummary> kinds) {

    /**
     * @param statuses    responses per status code
     * @param errors      exchanges without a response: connect errors, timeouts, connections closed first
     * @param connections connections opened
     */
    public record KindSummary(ClientKind kind, int clients, long requests, SortedMap<Integer, Long> statuses,
                              long errors, long connections) {

        public KindSummary {
            requireNonNull(kind, "kind");
            statuses = Collections.unmodifiableSortedMap(new TreeMap<>(statuses));
        }
    }

    public SimulationReport {
        requireNonNull(target, "target");
        requireNonNull(elapsed, "elapsed");
        kinds = List.copyOf(kinds);
    }

    static SimulationReport of(String target, Duration elapsed, List<SimClient> clients) {
        Map<ClientKind, long[]> counts = new EnumMap<>(ClientKind.class); // clients, requests, errors, connections
        Map<ClientKind, TreeMap<Integer, Long>> statuses = new EnumMap<>(ClientKind.class);
        for (SimClient client : clients) {
            ClientKind kind = client.plan().kind();
            long[] c = counts.computeIfAbsent(kind, k -> new long[4]);
            ClientStats stats = client.stats;
            c[0]++;
            c[1] += stats.requests;
            c[2] += stats.errors();
            c[3] += stats.connections;
            stats.statuses.forEach((code, n) -> statuses.computeIfAbsent(kind, k -> new TreeMap<>()).merge(code, n, Long::sum));
        }
        return new SimulationReport(target, elapsed, counts.entrySet().stream()
                .map(e -> new KindSummary(e.getKey(), (int) e.getValue()[0], e.getValue()[1],
                        statuses.getOrDefault(e.getKey(), new TreeMap<>()), e.getValue()[2], e.getValue()[3]))
                .toList());
    }

    public long requests() {
        return kinds.stream().mapToLong(KindSummary::requests).sum();
    }

    public KindSummary kind(ClientKind kind) {
        return kinds.stream().filter(k -> k.kind() == kind).findFirst().orElse(null);
    }

    /** The table the command prints. */
    public String format() {
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-9);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "pibl simulate: %d requests in %.1fs (%.0f/s) to %s%n",
                requests(), seconds, requests() / seconds, target));
        out.append(String.format(Locale.ROOT, "%-8s %-7s %7s %9s %7s %7s  %s%n",
                "kind", "label", "clients", "requests", "conns", "errors", "statuses"));
        for (KindSummary k : kinds) {
            StringBuilder codes = new StringBuilder();
            k.statuses().forEach((code, n) -> codes.append(codes.isEmpty() ? "" : " ").append(code).append('=').append(n));
            out.append(String.format(Locale.ROOT, "%-8s %-7s %7d %9d %7d %7d  %s%n", k.kind().cliName(),
                    k.kind().label(), k.clients(), k.requests(), k.connections(), k.errors(),
                    codes.isEmpty() ? "-" : codes));
        }
        return out.toString();
    }
}
