package dev.pibl.app.simulate;

import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * How a scoring model routed simulated clients, from PIBL's access log joined to the labels: what
 * {@code pibl simulate --evaluate} prints, as values a test or a training script can check.
 * Immutable; read on any thread.
 *
 * @param mainTier       the tier taken as "not flagged": given, or the first tier of most clients; null if no client was seen
 * @param linesRead      lines in the log
 * @param linesScored    lines of labelled clients that name a tier: the requests everything below counts
 * @param linesUnscored  lines of labelled clients without a tier (round-robin, or cut short before routing)
 * @param labelled       clients in the labels
 * @param kinds          per kind, known kinds in {@link ClientKind} order, then others as the labels list them
 * @param benignClients  benign clients seen in the log
 * @param benignLeftMain of those, the ones routed at least once to another tier than the main one
 * @param abusiveClients abusive clients seen in the log
 * @param abusiveDetected of those, the ones routed to another tier within their first {@link #DETECTION_WINDOW} requests
 */
public record Evaluation(String mainTier, long linesRead, long linesScored, long linesUnscored, int labelled,
                         List<KindEvaluation> kinds, int benignClients, int benignLeftMain, int abusiveClients,
                         int abusiveDetected) {

    /** An abusive client counts as detected when it leaves the main tier within this many requests. */
    public static final int DETECTION_WINDOW = 50;

    /**
     * One kind of client.
     *
     * @param clients                clients of the kind seen in the log
     * @param unseen                 clients of the kind in the labels but not in the log
     * @param requests               their scored requests
     * @param tiers                  where those requests went, tiers in order of first appearance
     * @param changed                clients routed, at some request, to another tier than their first one
     * @param medianChangeAt         of those, the median (lower middle) request number of that first change; empty if none
     * @param maxChangeAt            of those, the largest such request number; empty if none
     * @param leftMain               clients routed at least once to another tier than the main one
     * @param detected               clients routed to another tier than the main one within {@link #DETECTION_WINDOW} requests
     */
    public record KindEvaluation(String kind, String label, int clients, int unseen, long requests,
                                 List<TierShare> tiers, int changed, OptionalLong medianChangeAt,
                                 OptionalLong maxChangeAt, int leftMain, int detected) {

        public KindEvaluation {
            requireNonNull(kind, "kind");
            requireNonNull(label, "label");
            tiers = List.copyOf(tiers);
        }

        public boolean abusive() {
            return label.equals("abusive");
        }

        /** The share of this kind's requests routed to {@code tier} ({@code fallback} ones apart), 0 if none. */
        public double share(String tier, boolean fallback) {
            return tiers.stream().filter(t -> t.tier().equals(tier) && t.fallback() == fallback)
                    .mapToDouble(TierShare::share).findFirst().orElse(0);
        }
    }

    /** Requests of a kind routed to one tier, as the fallback or by score. */
    public record TierShare(String tier, boolean fallback, long requests, double share) {

        public TierShare {
            requireNonNull(tier, "tier");
        }

        /** {@code trusted}, or {@code trusted(fallback)} as the log marks it. */
        public String name() {
            return fallback ? tier + "(fallback)" : tier;
        }
    }

    public Evaluation {
        kinds = List.copyOf(kinds);
    }

    /**
     * Abusive clients in a tier other than the main one at their {@link #DETECTION_WINDOW}-th
     * request (or their last, if they sent fewer) / all labelled abusive clients, those missing
     * from the log counting as not detected; NaN if there are none.
     */
    public double detection() {
        return abusiveClients == 0 ? Double.NaN : (double) abusiveDetected / abusiveClients;
    }

    /** Benign clients that ever left the main tier / benign clients seen; NaN if none were seen. */
    public double falsePositives() {
        return benignClients == 0 ? Double.NaN : (double) benignLeftMain / benignClients;
    }

    public KindEvaluation kind(String kind) {
        return kinds.stream().filter(k -> k.kind().equals(kind)).findFirst().orElse(null);
    }

    /** The report the command prints, ending with the {@code detection=… false_positives=…} line. */
    public String format(String source) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "evaluation of %s: %d lines, %d scored requests from labelled clients",
                source, linesRead, linesScored));
        if (linesUnscored > 0) {
            out.append(String.format(Locale.ROOT, " (%d more without a tier)", linesUnscored));
        }
        out.append("; main tier: ").append(mainTier == null ? "-" : mainTier).append('\n');
        if (linesScored == 0) {
            out.append(linesUnscored > 0
                    ? "no line names a tier: is balancing.policy score?\n"
                    : "no line is from a labelled client: do the labels belong to this log (keys, --forwarded-for)?\n");
        }
        for (KindEvaluation k : kinds) {
            out.append(String.format(Locale.ROOT, "%s (%s): %d clients, %d requests", k.kind(), k.label(), k.clients(),
                    k.requests()));
            if (k.unseen() > 0) {
                out.append(String.format(Locale.ROOT, " (%d labelled clients not in the log)", k.unseen()));
            }
            out.append("\n  tiers:");
            if (k.tiers().isEmpty()) {
                out.append(" -");
            }
            for (TierShare t : k.tiers()) {
                out.append(String.format(Locale.ROOT, " %s=%.3f", t.name(), t.share()));
            }
            out.append("\n  first tier change: ");
            if (k.changed() == 0) {
                out.append("never");
            } else {
                out.append(String.format(Locale.ROOT, "%d of %d clients, at request median %d, max %d", k.changed(),
                        k.clients(), k.medianChangeAt().getAsLong(), k.maxChangeAt().getAsLong()));
            }
            if (k.abusive()) {
                out.append(String.format(Locale.ROOT, "\n  detected: %d of %d left %s within %d requests (%s)%n",
                        k.detected(), k.clients(), mainTier, DETECTION_WINDOW, ratio(k.detected(), k.clients())));
            } else {
                out.append(String.format(Locale.ROOT, "\n  false positives: %d of %d ever left %s (%s)%n",
                        k.leftMain(), k.clients(), mainTier, ratio(k.leftMain(), k.clients())));
            }
        }
        out.append("detection=").append(format(detection())).append(" false_positives=")
                .append(format(falsePositives())).append('\n');
        return out.toString();
    }

    private static String ratio(int part, int whole) {
        return whole == 0 ? "n/a" : format((double) part / whole);
    }

    private static String format(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.3f", share);
    }
}
