package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing tiers: contiguous score ranges from 0 to 1, lowest scores first, and the margin that
 * keeps a client whose score wavers around a boundary from flapping between two tiers.
 *
 * <p>With margin {@code m}, a client leaves its tier upwards only once its score reaches the
 * tier's end plus {@code m}, and downwards only once it falls below the tier's start minus
 * {@code m}; it then lands in the tier of its score moved {@code m} back towards where it came
 * from, so one jump cannot carry it further than the same margin allows step by step.
 *
 * <p>Immutable and thread-safe: built from the configuration, read on every event loop.
 */
public final class Tiers {

    /** A margin of 0.5 or more would keep a client in its first tier whatever its score. */
    static final double MAX_MARGIN = 0.5;

    private final List<Tier> tiers;
    private final double margin;
    private final Map<String, Tier> byName;

    /**
     * @param tiers  the tiers in score order, indexed from 0, the first from 0, each starting
     *               where the one before ends, the last ending at 1.0
     * @param margin the hysteresis margin, from 0 (none) to less than 0.5
     * @throws IllegalArgumentException naming the first tier or value that breaks a rule
     */
    public Tiers(List<Tier> tiers, double margin) {
        requireNonNull(tiers, "tiers");
        this.tiers = List.copyOf(tiers);
        this.margin = margin;
        if (this.tiers.isEmpty()) {
            throw new IllegalArgumentException("tiers: [] (expected: at least one tier)");
        }
        if (!(margin >= 0 && margin < MAX_MARGIN)) {
            throw new IllegalArgumentException("margin: " + margin + " (expected: from 0 to less than " + MAX_MARGIN + ")");
        }
        Map<String, Tier> names = new HashMap<>();
        for (int i = 0; i < this.tiers.size(); i++) {
            Tier tier = this.tiers.get(i);
            String field = "tiers[" + i + "]";
            if (tier.index() != i) {
                throw new IllegalArgumentException(field + ".index: " + tier.index() + " (expected: " + i + ", its position)");
            }
            Tier same = names.putIfAbsent(tier.name(), tier);
            if (same != null) {
                throw new IllegalArgumentException(field + ".name: \"" + tier.name() + "\" (expected: a name no other tier has,"
                        + " and tiers[" + same.index() + "] has it)");
            }
            double start = i == 0 ? 0 : this.tiers.get(i - 1).below();
            if (tier.from() != start) {
                throw new IllegalArgumentException(field + ".from: " + tier.from() + " (expected: " + start
                        + (i == 0 ? ", the lowest score)" : ", where tiers[" + (i - 1) + "] ends: no gap, no overlap)"));
            }
        }
        Tier last = this.tiers.get(this.tiers.size() - 1);
        if (last.below() != 1) {
            throw new IllegalArgumentException("tiers[" + last.index() + "].below: " + last.below()
                    + " (expected: 1.0, the highest score, in the last tier)");
        }
        this.byName = Map.copyOf(names);
        for (Tier tier : this.tiers) {
            checkSpill(tier);
        }
    }

    private void checkSpill(Tier tier) {
        if (tier.spillTo() == null) {
            return;
        }
        String field = "tiers[" + tier.index() + "].spillTo";
        if (tier.spillTo().equals(tier.name()) || !byName.containsKey(tier.spillTo())) {
            throw new IllegalArgumentException(field + ": \"" + tier.spillTo() + "\" (expected: the name of another tier, one of "
                    + String.join(", ", tiers.stream().map(Tier::name).filter(n -> !n.equals(tier.name())).toList()) + ")");
        }
        Set<String> seen = new HashSet<>();
        seen.add(tier.name());
        for (Tier t = spillTarget(tier); t != null; t = spillTarget(t)) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException(field + ": \"" + tier.spillTo() + "\" (expected: a tier that does not spill back,"
                        + " but " + t.name() + " is reached twice)");
            }
        }
    }

    /** The tiers, lowest scores first. */
    public List<Tier> all() {
        return tiers;
    }

    /** The hysteresis margin. */
    public double margin() {
        return margin;
    }

    /** The tier named {@code name}, or {@code null} when there is none. */
    public Tier byName(String name) {
        requireNonNull(name, "name");
        return byName.get(name);
    }

    /** The tier {@code tier} spills over to when its pool has no backend available, or {@code null}. */
    public Tier spillTarget(Tier tier) {
        requireNonNull(tier, "tier");
        return tier.spillTo() == null ? null : byName.get(tier.spillTo());
    }

    /**
     * The tier whose range holds {@code score}, ignoring where the client was: below 0 (and NaN)
     * counts as 0, above 1 as 1.
     */
    public Tier natural(double score) {
        double s = clamp(score);
        for (Tier tier : tiers) {
            if (s < tier.below()) {
                return tier;
            }
        }
        return tiers.get(tiers.size() - 1); // 1.0, which the last tier holds
    }

    /**
     * The tier for a client that was in {@code current} and now scores {@code score}, with the
     * hysteresis of the class comment.
     *
     * @param current the client's tier so far, or {@code null} for a new client; a tier of other
     *                tiers (those before a configuration reload) counts as none
     */
    public Tier next(Tier current, double score) {
        if (current == null || current.index() >= tiers.size() || !tiers.get(current.index()).equals(current)) {
            return natural(score);
        }
        double s = clamp(score);
        Tier natural = natural(s);
        if (natural.index() > current.index()) {
            return s >= current.below() + margin ? natural(s - margin) : current;
        }
        if (natural.index() < current.index()) {
            return s < current.from() - margin ? natural(s + margin) : current;
        }
        return current;
    }

    private static double clamp(double score) {
        if (!(score > 0)) {
            return 0;
        }
        return Math.min(score, 1);
    }

    @Override
    public String toString() {
        return "Tiers" + tiers.stream().map(t -> t.name() + "[" + t.from() + ", " + t.below() + ")").toList()
                + " margin " + margin;
    }
}
