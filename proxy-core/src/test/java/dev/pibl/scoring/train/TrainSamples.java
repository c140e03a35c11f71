package dev.pibl.scoring.train;

import dev.pibl.scoring.Features;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Synthetic labelled vectors for the trainer's tests. */
final class TrainSamples {

    private TrainSamples() {
    }

    /** A vector with the given features set and every other one 0. */
    static TrainingSet.Sample sample(String key, boolean abusive, Map<String, Double> values) {
        double[] vector = new double[Features.COUNT];
        values.forEach((name, value) -> vector[Features.indexOf(name)] = value);
        return new TrainingSet.Sample(key, abusive ? "bot" : "human", abusive, vector);
    }

    /**
     * Two overlapping clouds: benign clients browse slowly with few 404s and irregular gaps,
     * abusive ones are fast, miss more and keep a steadier beat. Each client has
     * {@code perClient} vectors.
     */
    static TrainingSet clouds(int benignClients, int abusiveClients, int perClient, long seed) {
        Random random = new Random(seed);
        List<TrainingSet.Sample> samples = new ArrayList<>();
        for (int c = 0; c < benignClients + abusiveClients; c++) {
            boolean abusive = c >= benignClients;
            for (int v = 0; v < perClient; v++) {
                double rate = Math.expm1(Math.max(0, (abusive ? 2.5 : 1.0) + 0.8 * random.nextGaussian()));
                double notFound = clamp((abusive ? 0.3 : 0.1) + 0.15 * random.nextGaussian());
                double gapCv = Math.max(0, (abusive ? 0.6 : 1.2) + 0.4 * random.nextGaussian());
                samples.add(sample((abusive ? "a-" : "b-") + c, abusive,
                        Map.of("rate_1s", rate, "not_found_ratio", notFound, "gap_cv", gapCv)));
            }
        }
        return TrainingSet.of(samples);
    }

    private static double clamp(double ratio) {
        return Math.max(0, Math.min(1, ratio));
    }
}
