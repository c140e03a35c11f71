package dev.pibl.scoring.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.scoring.Features;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --until-request}: abusive clients' early vectors (not the first), every benign vector kept. */
class TrainingSetEarlyTest {

    private static TrainingSet.Sample sample(String key, boolean abusive, long requests) {
        return new TrainingSet.Sample(key, abusive ? "flooder" : "browser", abusive, new double[Features.COUNT], requests);
    }

    @Test
    void abusiveVectorsAfterTheCutOffAreDroppedAndBenignOnesKept() {
        TrainingSet all = TrainingSet.of(List.of(
                sample("flood", true, 1), sample("flood", true, 200), sample("flood", true, 201),
                sample("flood", true, 5000), sample("old-export", true, -1),
                sample("browser", false, 1), sample("browser", false, 900)));
        TrainingSet early = all.upToRequest(200);
        assertThat(early.samples()).extracting(s -> s.key() + "@" + s.requests()).containsExactly(
                "flood@200", "old-export@-1", "browser@1", "browser@900");
        assertThat(early.clients(true)).isEqualTo(2);
    }
}
