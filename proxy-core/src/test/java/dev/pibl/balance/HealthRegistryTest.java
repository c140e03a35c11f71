package dev.pibl.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.HealthConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Ejection, back-off, half-open probes, active rise/fall and Retry-After, on a fake clock. */
class HealthRegistryTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Backend> backends = WeightedRoundRobinTest.backends(1, 1, 1, 1);

    private HealthRegistry registry(int failures, int maxEjectedPercent, boolean active) {
        return registry(failures, maxEjectedPercent, active, Duration.ZERO, Math::random);
    }

    private HealthRegistry registry(int failures, int maxEjectedPercent, boolean active, Duration slowStart,
            java.util.function.DoubleSupplier random) {
        return new HealthRegistry(backends, config(failures, maxEjectedPercent, active, slowStart), now::get, random);
    }

    private static HealthConfig config(int failures, int maxEjectedPercent, boolean active, Duration slowStart) {
        return new HealthConfig(
                new HealthConfig.ActiveCheck(active, "/health", Duration.ofSeconds(5), Duration.ofSeconds(1), 200, 399,
                        2, 3, true),
                new HealthConfig.PassiveCheck(true, failures, Duration.ofSeconds(10), Duration.ofSeconds(35),
                        maxEjectedPercent),
                HealthConfig.defaults().panic(), slowStart);
    }

    @Test
    void aReloadKeepsABackendsStateButNotADownThatNoCheckWouldEverLift() {
        HealthRegistry checked = registry(3, 100, true, Duration.ZERO, () -> 0.0);
        Backend down = backends.get(0);
        Backend ejected = backends.get(1);
        for (int i = 0; i < 3; i++) {
            checked.onActiveCheck(down, false);
            checked.onFailure(ejected);
        }
        assertThat(checked.tryAcquire(down)).isFalse();

        HealthRegistry stillChecked = HealthRegistry.carryingOver(checked, backends, config(3, 100, true, Duration.ZERO), now::get);
        assertThat(stillChecked.tryAcquire(down)).as("active checks on: down until they pass").isFalse();
        assertThat(stillChecked.tryAcquire(ejected)).as("still ejected").isFalse();

        HealthRegistry unchecked = HealthRegistry.carryingOver(stillChecked, backends, config(3, 100, false, Duration.ZERO), now::get);
        assertThat(unchecked.tryAcquire(down)).as("active checks off: nothing would ever bring it back").isTrue();
        assertThat(unchecked.tryAcquire(ejected)).as("passive ejection still runs its course").isFalse();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void consecutiveFailuresEjectAndASuccessInBetweenResetsTheCount() {
        HealthRegistry r = registry(3, 100, false);
        Backend b = backends.get(0);
        r.onFailure(b);
        r.onFailure(b);
        r.onSuccess(b);
        r.onFailure(b);
        r.onFailure(b);
        assertThat(r.tryAcquire(b)).isTrue();
        r.onFailure(b);
        assertThat(r.tryAcquire(b)).as("ejected after three in a row").isFalse();
        assertThat(r.of(b).ejected()).isTrue();
    }

    @Test
    void whenTheTimeIsUpExactlyOneProbeGoesAndItsOutcomeDecides() {
        HealthRegistry r = registry(1, 100, false);
        Backend b = backends.get(0);
        r.onFailure(b);
        advance(Duration.ofSeconds(9));
        assertThat(r.tryAcquire(b)).isFalse();
        advance(Duration.ofSeconds(2));
        assertThat(r.tryAcquire(b)).as("the probe").isTrue();
        assertThat(r.tryAcquire(b)).as("only one probe at a time").isFalse();
        r.onSuccess(b);
        assertThat(r.of(b).ejected()).isFalse();
        assertThat(r.tryAcquire(b)).isTrue();
        assertThat(r.tryAcquire(b)).isTrue();
    }

    @Test
    void aFailedProbeEjectsAgainForTwiceAsLongUpToTheMaximum() {
        HealthRegistry r = registry(1, 100, false);
        Backend b = backends.get(0);
        r.onFailure(b); // ejected for 10 s; then 20 s; then 40 s capped at 35 s
        for (long seconds : new long[] {10, 20, 35}) {
            advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertThat(r.tryAcquire(b)).as("still ejected just before %d s", seconds).isFalse();
            advance(Duration.ofMillis(2));
            assertThat(r.tryAcquire(b)).as("probe after %d s", seconds).isTrue();
            r.onFailure(b);
        }
        advance(Duration.ofSeconds(35).minusMillis(1));
        assertThat(r.tryAcquire(b)).as("the maximum holds").isFalse();
    }

    @Test
    void aProbeWhoseOutcomeNeverCameIsReplacedAfterTwiceTheEjectionTime() {
        HealthRegistry r = registry(1, 100, false);
        Backend b = backends.get(0);
        r.onFailure(b);
        advance(Duration.ofSeconds(11));
        assertThat(r.tryAcquire(b)).isTrue(); // its client goes away: no outcome is ever reported
        advance(Duration.ofSeconds(19));
        assertThat(r.tryAcquire(b)).as("still waiting for it").isFalse();
        advance(Duration.ofSeconds(2));
        assertThat(r.tryAcquire(b)).as("a new probe").isTrue();
    }

    @Test
    void aProbeThatNeverRanGivesItsClaimBackAtOnce() {
        HealthRegistry r = registry(1, 100, false);
        Backend b = backends.get(0);
        r.onFailure(b);
        advance(Duration.ofSeconds(11));
        assertThat(r.tryAcquire(b)).as("the probe").isTrue();
        r.release(b, r.of(b).generation()); // its pool was full, or its client left: no outcome
        assertThat(r.tryAcquire(b)).as("the next request probes instead").isTrue();
        assertThat(r.tryAcquire(b)).as("still one probe at a time").isFalse();
        r.onSuccess(b);
        assertThat(r.of(b).ejected()).isFalse();
    }

    @Test
    void releasingAnExchangeThatWasNotTheProbeLeavesTheProbeOut() {
        HealthRegistry r = registry(1, 100, false);
        Backend b = backends.get(0);
        long sentBefore = r.of(b).generation();
        r.onFailure(b);
        advance(Duration.ofSeconds(11));
        assertThat(r.tryAcquire(b)).as("the probe").isTrue();
        r.release(b, sentBefore); // an exchange picked before the ejection ends without an outcome
        assertThat(r.tryAcquire(b)).as("the probe is still out").isFalse();
        r.release(backends.get(1), r.of(backends.get(1)).generation()); // not ejected: nothing to give back
        assertThat(r.tryAcquire(backends.get(1))).isTrue();
    }

    @Test
    void anOutcomeOfAnExchangeSentBeforeTheEjectionCannotDecideTheProbe() {
        HealthRegistry r = registry(1, 100, false);
        Backend b = backends.get(0);
        long sentBefore = r.of(b).generation();
        r.onFailure(b); // ejected for 10 s
        advance(Duration.ofSeconds(11));
        assertThat(r.tryAcquire(b)).as("the probe goes out").isTrue();
        long probe = r.of(b).generation();
        r.onFailure(b, sentBefore); // a request sent before the ejection times out only now
        assertThat(r.of(b).ejected()).isTrue();
        r.onSuccess(b, probe);
        assertThat(r.of(b).ejected()).as("the probe's success decides").isFalse();
    }

    @Test
    void longEjectionTimesDoNotOverflowTheBackOff() {
        HealthConfig d = HealthConfig.defaults();
        HealthRegistry r = new HealthRegistry(backends, new HealthConfig(d.active(),
                new HealthConfig.PassiveCheck(true, 1, Duration.ofSeconds(30), Duration.ofDays(1), 100), false,
                Duration.ZERO), now::get);
        Backend b = backends.get(0);
        r.onFailure(b);
        for (int i = 0; i < 40; i++) {
            advance(Duration.ofDays(1).plusSeconds(1));
            assertThat(r.tryAcquire(b)).isTrue();
            r.onFailure(b);
        }
        advance(Duration.ofHours(23));
        assertThat(r.tryAcquire(b)).as("still ejected for the full maximum").isFalse();
    }

    @Test
    void noMoreThanTheAllowedShareIsEjectedAtOnce() {
        HealthRegistry r = registry(1, 50, false);
        backends.forEach(r::onFailure);
        assertThat(backends.stream().filter(b -> r.of(b).ejected())).hasSize(2);
    }

    @Test
    void activeChecksNeedFallBadOnesToTakeOutAndRiseGoodOnesToBringBack() {
        HealthRegistry r = registry(5, 50, true);
        Backend b = backends.get(1);
        r.onActiveCheck(b, false);
        r.onActiveCheck(b, false);
        assertThat(r.tryAcquire(b)).isTrue();
        r.onActiveCheck(b, false);
        assertThat(r.tryAcquire(b)).isFalse();
        r.onActiveCheck(b, true);
        assertThat(r.tryAcquire(b)).isFalse();
        r.onActiveCheck(b, true);
        assertThat(r.tryAcquire(b)).isTrue();
    }

    @Test
    void retryAfterIsTheTimeUntilTheFirstEjectionEnds() {
        HealthRegistry r = registry(1, 100, false);
        r.onFailure(backends.get(0));
        advance(Duration.ofSeconds(3));
        r.onFailure(backends.get(1));
        assertThat(r.retryAfterSeconds()).isEqualTo(7);
    }

    @Test
    void theBalancerSkipsWhatHealthKeepsOut() {
        HealthRegistry r = registry(1, 100, false);
        LoadBalancer lb = LoadBalancer.roundRobin(backends, r);
        r.onFailure(backends.get(1));
        r.onFailure(backends.get(2));
        for (int i = 0; i < 8; i++) {
            assertThat(lb.nextExcluding(0).name()).isIn("b0", "b3");
        }
        backends.forEach(r::onFailure);
        assertThat(lb.nextExcluding(0)).isNull();
        assertThat(lb.nextIgnoringHealth(0)).isNotNull();
    }

    @Test
    void aBackendBackFromEjectionTakesAShareThatGrowsOverTheSlowStart() {
        java.util.Random seeded = new java.util.Random(7);
        HealthRegistry r = registry(1, 100, false, Duration.ofSeconds(100), seeded::nextDouble);
        Backend b = backends.get(0);
        r.onFailure(b);
        advance(Duration.ofSeconds(11));
        assertThat(r.tryAcquire(b)).as("the probe").isTrue();
        r.onSuccess(b);
        assertThat(shareOf(r, b)).as("just back: the 5 % floor").isBetween(0.03, 0.08);
        advance(Duration.ofSeconds(50));
        assertThat(shareOf(r, b)).as("half way").isBetween(0.45, 0.55);
        advance(Duration.ofSeconds(50));
        assertThat(shareOf(r, b)).as("slow start over").isEqualTo(1.0);
    }

    @Test
    void slowStartNeverLeavesTheBalancerWithoutABackend() {
        List<Backend> one = backends.subList(0, 1);
        HealthRegistry single = new HealthRegistry(one, new HealthConfig(HealthConfig.defaults().active(),
                new HealthConfig.PassiveCheck(true, 1, Duration.ofSeconds(10), Duration.ofSeconds(35), 100), false,
                Duration.ofSeconds(100)), now::get, () -> 0.99);
        LoadBalancer lb = LoadBalancer.roundRobin(one, single);
        single.onFailure(one.get(0));
        advance(Duration.ofSeconds(11));
        assertThat(lb.nextExcluding(0)).as("the probe").isNotNull();
        single.onSuccess(one.get(0));
        assertThat(lb.nextExcluding(0)).as("ramping, but the only one").isNotNull();
    }

    private static double shareOf(HealthRegistry r, Backend b) {
        int yes = 0;
        for (int i = 0; i < 10_000; i++) {
            yes += r.tryAcquire(b) ? 1 : 0;
        }
        return yes / 10_000.0;
    }
}
