package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bounded, expiring map of clients, on a fake ticker. */
class ClientTrackerTest {

    private final AtomicLong now = new AtomicLong(123_456_789L);
    private final ClientTracker tracker = new ClientTracker(100, Duration.ofMinutes(5), new UserAgents(), now::get);

    @Test
    void oneActivityPerKeyCreatedOnlyByActivity() {
        assertThat(tracker.find("203.0.113.7")).isNull();
        assertThat(tracker.size()).isZero();

        ClientActivity activity = tracker.activity("203.0.113.7");
        assertThat(activity.key()).isEqualTo("203.0.113.7");
        assertThat(activity.score()).isNotNull();
        assertThat(activity.lastSeenNanos()).as("created at the ticker's now").isEqualTo(now.get());
        assertThat(tracker.activity("203.0.113.7")).isSameAs(activity);
        assertThat(tracker.find("203.0.113.7")).isSameAs(activity);
        assertThat(tracker.size()).isEqualTo(1);
        assertThat(tracker.nanoTime()).isEqualTo(now.get());
    }

    @Test
    void neverHoldsMoreThanMaxClients() {
        for (int i = 0; i < 1_000; i++) {
            tracker.activity("10.0." + i / 256 + "." + i % 256);
        }
        tracker.cleanUp();

        assertThat(tracker.size()).isLessThanOrEqualTo(100);
        List<ClientActivity> all = new ArrayList<>();
        tracker.forEach(all::add);
        assertThat(all).hasSizeLessThanOrEqualTo(100).isNotEmpty();
    }

    @Test
    void aClientIdleForLongerThanIdleIsForgotten() {
        ClientActivity first = tracker.activity("203.0.113.7");
        tracker.activity("203.0.113.8");

        now.addAndGet(TimeUnit.MINUTES.toNanos(4));
        assertThat(tracker.activity("203.0.113.7")).as("a lookup keeps it").isSameAs(first);
        now.addAndGet(TimeUnit.MINUTES.toNanos(4));
        assertThat(tracker.find("203.0.113.7")).isSameAs(first);
        assertThat(tracker.find("203.0.113.8")).as("8 minutes without a lookup").isNull();

        now.addAndGet(TimeUnit.MINUTES.toNanos(6));
        tracker.cleanUp();
        assertThat(tracker.size()).isZero();
        assertThat(tracker.activity("203.0.113.7")).as("starts afresh").isNotSameAs(first);
    }

    @Test
    void forEachSeesEveryTrackedClient() {
        tracker.activity("a");
        tracker.activity("b");
        tracker.activity("c");

        List<String> keys = new ArrayList<>();
        tracker.forEach(activity -> keys.add(activity.key()));
        assertThat(keys).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void boundsAreChecked() {
        UserAgents agents = new UserAgents();
        assertThatThrownBy(() -> new ClientTracker(0, Duration.ofMinutes(1), agents, now::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxClients: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new ClientTracker(10, Duration.ZERO, agents, now::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("idle: PT0S (expected: > 0)");
        assertThat(tracker.userAgents()).isNotNull();
    }
}
