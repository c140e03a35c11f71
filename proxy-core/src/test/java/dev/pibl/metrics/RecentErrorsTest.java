package dev.pibl.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The last errors, newest first, in a fixed amount of memory. */
class RecentErrorsTest {

    @Test
    void keepsTheNewestAndForgetsTheOldest() {
        RecentErrors recent = new RecentErrors(3);
        assertThat(recent.newestFirst()).isEmpty();
        for (int i = 1; i <= 5; i++) {
            recent.add(1000L * i, "id-" + i, 502, "GET", "/" + i, "node-1", "reason " + i);
        }
        List<RecentErrors.Entry> list = recent.newestFirst();
        assertThat(list).extracting(RecentErrors.Entry::requestId).containsExactly("id-5", "id-4", "id-3");
        assertThat(list.get(0).time().toEpochMilli()).isEqualTo(5000);
        assertThat(list.get(0).uri()).isEqualTo("/5");
        assertThat(list.get(0).reason()).isEqualTo("reason 5");
    }

    @Test
    void aRingNeedsRoom() {
        assertThatThrownBy(() -> new RecentErrors(0)).hasMessage("capacity: 0 (expected: >= 1)");
    }
}
