package dev.pibl.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.systemtests.Traffic.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 1: three backend hosts in round-robin; one is stopped under load and started again.
 * Clients see no error beyond the requests that were on it when it went, active health checks
 * take it out, the other two carry the traffic, and when it is back slow start gives it a small
 * share first and its full third later.
 */
@SystemTest
@Timeout(180)
class RoundRobinFailoverSystemTest {

    private static final int CLIENTS = 4;

    @Test
    void aStoppedHostIsTakenOutAndComesBackWithSlowStart() throws Exception {
        try (BackendHosts hosts = BackendHosts.start("node-1", "node-2", "node-3");
                HealthLog health = HealthLog.capture();
                Pibl pibl = Pibl.start(config(hosts))) {
            // Even spread while all three are up.
            try (Traffic warm = Traffic.start(pibl.port(), CLIENTS, "/", 300, Duration.ofSeconds(60))) {
                warm.awaitTotal(300, Duration.ofSeconds(60));
                List<Reply> replies = warm.stop();
                assertThat(replies).allMatch(Reply::ok);
                assertThat(shares(replies)).as("shares of 300 requests").containsOnlyKeys("node-1", "node-2", "node-3")
                        .allSatisfy((node, share) -> assertThat(share).isBetween(0.30, 0.37));
            }

            try (Traffic load = Traffic.start(pibl.port(), CLIENTS, "/", 40_000, Duration.ofSeconds(120))) {
                load.awaitMore(100, Duration.ofSeconds(30));
                long stoppedAt = System.currentTimeMillis();
                hosts.stop("node-2");
                HealthLog.Line down = health.await("backend node-2 is down", stoppedAt, Duration.ofSeconds(20));
                assertThat(pibl.health("node-2").activeHealthy()).isFalse();
                load.awaitCount(300, r -> r.startMillis() >= down.atMillis(), Duration.ofSeconds(60));

                List<Reply> whileGone = load.startedSince(stoppedAt);
                assertThat(whileGone.stream().filter(r -> !r.ok()).count())
                        .as("errors after the stop: at most one per client, the requests in flight on node-2; "
                                + "all replies: %s", whileGone.stream().filter(r -> !r.ok()).toList())
                        .isLessThanOrEqualTo(CLIENTS);
                List<Reply> afterDown = load.startedSince(down.atMillis());
                assertThat(afterDown).as("once node-2 is down").hasSizeGreaterThanOrEqualTo(300).allMatch(Reply::ok)
                        .extracting(Reply::backend).containsOnly("node-1", "node-3");

                long startedAt = System.currentTimeMillis();
                hosts.start("node-2");
                HealthLog.Line up = health.await("backend node-2 is up", startedAt, Duration.ofSeconds(20));
                // Slow start is 6 s: in its first second node-2 may take at most 1/6 of its picks.
                load.awaitCount(300, r -> r.startMillis() >= up.atMillis() + 7_000, Duration.ofSeconds(60));
                List<Reply> afterUp = load.stop().stream().filter(r -> r.startMillis() >= up.atMillis()).toList();
                assertThat(afterUp).allMatch(Reply::ok);
                List<Reply> firstSecond = afterUp.stream().filter(r -> r.startMillis() < up.atMillis() + 1_000).toList();
                List<Reply> rampedUp = afterUp.stream().filter(r -> r.startMillis() >= up.atMillis() + 7_000).toList();
                assertThat(shares(rampedUp).get("node-2")).as("node-2's share once slow start is over")
                        .isBetween(0.25, 0.42);
                double early = shares(firstSecond).getOrDefault("node-2", 0.0);
                if (firstSecond.size() >= 60) { // a starved machine may send too few to judge
                    assertThat(early).as("node-2's share in the first second of slow start (%d requests)",
                            firstSecond.size()).isLessThan(0.15);
                }
                System.out.printf("[system-test] stopped node-2: %d errors in %d replies, down %d ms after the stop;"
                        + " back: share %.3f in its first second (%d replies), %.3f after slow start%n",
                        whileGone.stream().filter(r -> !r.ok()).count(), whileGone.size(), down.atMillis() - stoppedAt,
                        early, firstSecond.size(), shares(rampedUp).get("node-2"));
            }
        }
    }

    private static Map<String, Double> shares(List<Reply> replies) {
        return replies.stream().collect(Collectors.groupingBy(Reply::backend,
                Collectors.collectingAndThen(Collectors.counting(), n -> n / (double) replies.size())));
    }

    private static String config(BackendHosts hosts) {
        return """
                server: { port: 0, bind: 127.0.0.1, io-threads: 2 }
                %s
                timeouts: { connect: 500ms, response: 5s }
                health:
                  active: { enabled: true, path: /, interval: 1s, timeout: 800ms, rise: 2, fall: 3 }
                  passive: { enabled: false }
                  slow-start: 6s
                cache: { enabled: false }
                logging: { format: json, stdout: false }
                admin: { enabled: false }
                """.formatted(hosts.backendsYaml());
    }
}
