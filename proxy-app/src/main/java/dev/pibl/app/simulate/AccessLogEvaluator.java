package dev.pibl.app.simulate;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Joins PIBL's access log to a simulation's labels and measures how the scoring routed each kind
 * of client (see {@link Evaluation}). Reads the log once, line by line, keeping a few numbers per
 * labelled client, so a log of any length fits. Called from the command's thread.
 *
 * <p>The log should hold one run: the clients' request numbers count from their first line.
 */
public final class AccessLogEvaluator {

    private static final String FALLBACK = "(fallback)";

    private AccessLogEvaluator() {
    }

    /**
     * Evaluates {@code log} against {@code labels}; {@code mainTier} null means the tier most
     * clients were first routed to.
     */
    public static Evaluation evaluate(Path log, List<Labels.Label> labels, String mainTier) throws IOException {
        requireNonNull(log, "log");
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            return evaluate(in, labels, mainTier);
        }
    }

    static Evaluation evaluate(BufferedReader in, List<Labels.Label> labels, String mainTier) throws IOException {
        requireNonNull(in, "in");
        requireNonNull(labels, "labels");
        Map<String, Track> byKey = new HashMap<>();
        Map<String, KindTrack> kinds = new LinkedHashMap<>();
        for (Labels.Label label : orderedByKind(labels)) {
            KindTrack kind = kinds.computeIfAbsent(label.kind(), k -> new KindTrack(label.kind(), label.label()));
            kind.labelled++;
            byKey.putIfAbsent(label.key(), new Track(kind));
        }
        long lines = 0;
        long scored = 0;
        long unscored = 0;
        for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
            lines++;
            AccessLogLine line = AccessLogLine.parse(raw);
            Track track = line == null ? null : byKey.get(line.client());
            if (track == null) {
                continue;
            }
            if (line.tier() == null) {
                unscored++;
                continue;
            }
            scored++;
            track.add(line, lines);
        }
        String main = mainTier != null ? mainTier : mostCommonFirstTier(byKey);
        return summarise(main, lines, scored, unscored, labels.size(), kinds.values(), byKey);
    }

    /** Known kinds in their enum order, so reports line up run after run; other kinds after them. */
    private static List<Labels.Label> orderedByKind(List<Labels.Label> labels) {
        List<Labels.Label> ordered = new ArrayList<>(labels);
        ordered.sort((a, b) -> Integer.compare(rank(a.kind()), rank(b.kind())));
        return ordered;
    }

    private static int rank(String kind) {
        for (ClientKind k : ClientKind.values()) {
            if (k.cliName().equals(kind)) {
                return k.ordinal();
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The tier that most clients' first request went to; on a tie, the one that came first in the log. */
    private static String mostCommonFirstTier(Map<String, Track> byKey) {
        Map<String, long[]> votes = new LinkedHashMap<>(); // count, first line seen
        for (Track t : byKey.values()) {
            if (t.firstTier != null) {
                long[] v = votes.computeIfAbsent(t.firstTier, k -> new long[] {0, Long.MAX_VALUE});
                v[0]++;
                v[1] = Math.min(v[1], t.firstLine);
            }
        }
        return votes.entrySet().stream()
                .min((a, b) -> a.getValue()[0] != b.getValue()[0]
                        ? Long.compare(b.getValue()[0], a.getValue()[0])
                        : Long.compare(a.getValue()[1], b.getValue()[1]))
                .map(Map.Entry::getKey).orElse(null);
    }

    private static Evaluation summarise(String main, long lines, long scored, long unscored, int labelled,
                                        Iterable<KindTrack> kinds, Map<String, Track> byKey) {
        Map<KindTrack, List<Track>> members = new LinkedHashMap<>();
        kinds.forEach(k -> members.put(k, new ArrayList<>()));
        byKey.values().forEach(t -> members.get(t.kind).add(t));
        List<Evaluation.KindEvaluation> results = new ArrayList<>();
        int benign = 0;
        int benignLeft = 0;
        int abusive = 0;
        int abusiveDetected = 0;
        int abusiveSeen = 0;
        for (Map.Entry<KindTrack, List<Track>> e : members.entrySet()) {
            KindTrack kind = e.getKey();
            int clients = 0;
            int leftMain = 0;
            int detected = 0;
            List<Long> changes = new ArrayList<>();
            for (Track t : e.getValue()) {
                if (t.requests == 0) {
                    continue;
                }
                clients++;
                if (t.changeAt > 0) {
                    changes.add(t.changeAt);
                }
                long left = t.firstAwayFrom(main);
                if (left > 0) {
                    leftMain++;
                }
                // Detected: in another tier by its 50th request and still there then (or at its
                // last one, for a client that sent fewer), not merely passing through one.
                if (t.tierAtWindow != null && !t.tierAtWindow.equals(main)) {
                    detected++;
                }
            }
            long[] sorted = changes.stream().mapToLong(Long::longValue).sorted().toArray();
            OptionalLong median = sorted.length == 0 ? OptionalLong.empty() : OptionalLong.of(sorted[(sorted.length - 1) / 2]);
            OptionalLong max = sorted.length == 0 ? OptionalLong.empty() : OptionalLong.of(sorted[sorted.length - 1]);
            List<Evaluation.TierShare> shares = new ArrayList<>();
            kind.tierRequests.forEach((name, n) -> shares.add(new Evaluation.TierShare(tierOf(name),
                    name.endsWith(FALLBACK), n, kind.requests == 0 ? 0 : (double) n / kind.requests)));
            results.add(new Evaluation.KindEvaluation(kind.name, kind.label, clients, kind.labelled - clients,
                    kind.requests, shares, sorted.length, median, max, leftMain, detected));
            if (kind.label.equals("abusive")) {
                abusiveSeen += clients;
                abusive += kind.labelled; // an abusive client missing from the log was not caught either
                abusiveDetected += detected;
            } else {
                benign += clients;
                benignLeft += leftMain;
            }
        }
        // A log with no abusive client in it (a round-robin PIBL's, say) grades nothing: no ratio.
        return new Evaluation(main, lines, scored, unscored, labelled, results, benign, benignLeft,
                abusiveSeen == 0 ? 0 : abusive, abusiveDetected);
    }

    private static String tierOf(String bucket) {
        return bucket.endsWith(FALLBACK) ? bucket.substring(0, bucket.length() - FALLBACK.length()) : bucket;
    }

    /** One kind: its requests per tier (fallback apart), in order of first appearance. */
    private static final class KindTrack {

        final String name;
        final String label;
        int labelled;
        long requests;
        final Map<String, Long> tierRequests = new LinkedHashMap<>();

        KindTrack(String name, String label) {
            this.name = name;
            this.label = label;
        }
    }

    /** One client: its first tier, when it first changed, and the first request number it had in each tier. */
    private static final class Track {

        final KindTrack kind;
        long requests;
        String firstTier;
        long firstLine;
        long changeAt;
        /** Tier name to the client's request number of its first request there; clients see only a few tiers. */
        String[] tiers = new String[0];
        long[] firstAt = new long[0];

        Track(KindTrack kind) {
            this.kind = kind;
        }

        /** The tier of the client's request {@link Evaluation#DETECTION_WINDOW}, or of its last before it. */
        String tierAtWindow;

        void add(AccessLogLine line, long lineNumber) {
            requests++;
            if (requests <= Evaluation.DETECTION_WINDOW) {
                tierAtWindow = line.tier();
            }
            kind.requests++;
            kind.tierRequests.merge(line.fallback() ? line.tier() + FALLBACK : line.tier(), 1L, Long::sum);
            if (firstTier == null) {
                firstTier = line.tier();
                firstLine = lineNumber;
            } else if (changeAt == 0 && !firstTier.equals(line.tier())) {
                changeAt = requests;
            }
            for (String t : tiers) {
                if (t.equals(line.tier())) {
                    return;
                }
            }
            tiers = Arrays.copyOf(tiers, tiers.length + 1);
            firstAt = Arrays.copyOf(firstAt, firstAt.length + 1);
            tiers[tiers.length - 1] = line.tier();
            firstAt[firstAt.length - 1] = requests;
        }

        /** The request number of the client's first request in a tier other than {@code main}, or 0. */
        long firstAwayFrom(String main) {
            long first = 0;
            for (int i = 0; i < tiers.length; i++) {
                if (!tiers[i].equals(main) && (first == 0 || firstAt[i] < first)) {
                    first = firstAt[i];
                }
            }
            return first;
        }
    }
}
