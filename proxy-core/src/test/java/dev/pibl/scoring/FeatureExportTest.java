package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exported line is JSON a trainer can read: every feature by name, no NaN, the scorer's answer. */
class FeatureExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> lines = new ArrayList<>();
    private final FeatureExport export = new FeatureExport(lines::add,
            Clock.fixed(Instant.parse("2026-11-22T19:00:00.123Z"), ZoneOffset.UTC));

    @Test
    void aScoredVectorIsOneJsonObjectWithEveryFeature() throws Exception {
        double[] features = new double[Features.COUNT];
        features[Features.RATE_1S] = 42.5;
        features[Features.GAP_CV] = Double.NaN;
        export.write("2001:db8:1:2::/64", "2001:db8:1:2::7", 57, features, 0.25, "trusted", "v\"1");
        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines.get(0));
        assertThat(line.get("time").asText()).isEqualTo("2026-11-22T19:00:00.123Z");
        assertThat(line.get("key").asText()).isEqualTo("2001:db8:1:2::/64");
        assertThat(line.get("ip").asText()).isEqualTo("2001:db8:1:2::7");
        assertThat(line.get("requests").asLong()).isEqualTo(57);
        assertThat(line.get("features").size()).isEqualTo(Features.COUNT);
        assertThat(line.get("features").get("rate_1s").asDouble()).isEqualTo(42.5);
        assertThat(line.get("features").get("gap_cv").isNull()).as("JSON has no NaN").isTrue();
        assertThat(line.get("score").asDouble()).isEqualTo(0.25);
        assertThat(line.get("tier").asText()).isEqualTo("trusted");
        assertThat(line.get("model").asText()).isEqualTo("v\"1");
    }

    @Test
    void aFailedScoreIsNull() throws Exception {
        export.write("203.0.113.7", "203.0.113.7", 1, new double[Features.COUNT], Double.NaN, null, null);
        JsonNode line = JSON.readTree(lines.get(0));
        assertThat(line.get("score").isNull()).isTrue();
        assertThat(line.get("tier").isNull()).isTrue();
        assertThat(line.get("model").isNull()).isTrue();
    }
}
