package dev.pibl.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.pibl.testing.HealthConfigs;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinTest {

    static List<Backend> backends(int... weights) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(new Backend(i, "b" + i, InetSocketAddress.createUnresolved("h", 1000 + i), "h", weights[i]));
        }
        return list;
    }

    @Test
    void equalWeightsRotateInConfiguredOrder() {
        LoadBalancer lb = LoadBalancer.roundRobin(backends(1, 1, 1));
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(lb.next().name());
        }
        assertThat(picks).containsExactly("b0", "b1", "b2", "b0", "b1", "b2");
    }

    @Test
    void unequalWeightsInterleaveSmoothly() {
        WeightedRoundRobin lb = new WeightedRoundRobin(backends(5, 1, 1));
        assertThat(lb.cycle()).extracting(Backend::name).containsExactly("b0", "b0", "b1", "b0", "b2", "b0", "b0");
    }

    @Test
    void sharesAreExactOverFullCyclesWhenManyThreadsPick() throws Exception {
        LoadBalancer lb = LoadBalancer.roundRobin(backends(3, 2, 1));
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        int threads = 4;
        int picksPerThread = 6 * 2500;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                for (int i = 0; i < picksPerThread; i++) {
                    counts.computeIfAbsent(lb.next().name(), k -> new AtomicInteger()).incrementAndGet();
                }
                done.countDown();
            }).start();
        }
        done.await();
        int cycles = threads * picksPerThread / 6;
        assertThat(counts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get())))
                .containsEntry("b0", 3 * cycles).containsEntry("b1", 2 * cycles).containsEntry("b2", cycles);
    }

    @Test
    void nextExcludingSkipsTriedBackendsAndReportsExhaustion() {
        LoadBalancer lb = LoadBalancer.roundRobin(backends(4, 1));
        assertThat(lb.nextExcluding(0b01).name()).isEqualTo("b1");
        assertThat(lb.nextExcluding(0b10).name()).isEqualTo("b0");
        assertThat(lb.nextExcluding(0b11)).isNull();
    }

    @Test
    void rejectsAnEmptyList() {
        assertThatThrownBy(() -> LoadBalancer.roundRobin(List.of()))
                .hasMessageContaining("expected: at least one backend");
    }

    @Test
    void aHeavyBackendInSlowStartTakesOnlyTheRampsShareOfItsTurns() {
        List<Backend> weighted = backends(5, 1, 1); // cycle b0 b0 b1 b0 b2 b0 b0: b0 has 5 turns in 7
        AtomicLong now = new AtomicLong(1_000);
        java.util.Random seeded = new java.util.Random(11);
        HealthRegistry health = new HealthRegistry(weighted, HealthConfigs.withSlowStart(
                HealthConfigs.passive(1, Duration.ofSeconds(10), 100, false), Duration.ofSeconds(100)),
                now::get, seeded::nextDouble);
        LoadBalancer lb = LoadBalancer.roundRobin(weighted, health);
        Backend heavy = weighted.get(0);
        health.onFailure(heavy);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(lb.nextExcluding(0)).as("the probe").isEqualTo(heavy);
        health.onSuccess(heavy);
        // A turn it declines goes to another backend, not to its own next turn in the cycle.
        assertThat(shareOf(lb, heavy, 7_000)).as("just back: 5 % of its 5/7").isCloseTo(5 / 7.0 * 0.05, within(0.01));
        now.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(shareOf(lb, heavy, 7_000)).as("half way: 50 % of its 5/7").isCloseTo(5 / 7.0 * 0.5, within(0.03));
        now.addAndGet(Duration.ofSeconds(50).toNanos());
        assertThat(shareOf(lb, heavy, 7_000)).as("slow start over").isEqualTo(5 / 7.0);
    }

    private static double shareOf(LoadBalancer lb, Backend b, int picks) {
        int hits = 0;
        for (int i = 0; i < picks; i++) {
            hits += lb.nextExcluding(0).equals(b) ? 1 : 0;
        }
        return hits / (double) picks;
    }

    @Test
    void anAvailableBackendIsFoundEvenWhenOtherLoopsMoveTheCounterMeanwhile() throws Exception {
        List<Backend> two = backends(1, 1);
        HealthRegistry health = new HealthRegistry(two,
                HealthConfigs.passive(1, Duration.ofSeconds(10), 100, false), System::nanoTime);
        LoadBalancer lb = LoadBalancer.roundRobin(two, health);
        health.onFailure(two.get(0));
        AtomicInteger nulls = new AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 200_000; i++) {
                    if (lb.nextExcluding(0) == null) {
                        nulls.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(nulls.get()).as("spurious 'no backend' while one is healthy").isZero();
    }
}
