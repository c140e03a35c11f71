package dev.pibl.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.systemtests.Pibl.Exchange;
import dev.pibl.systemtests.Traffic.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 2: a backend host freezes ({@code docker pause}): its kernel still accepts connections
 * but nothing answers. Requests sent to it get 504 once the response timeout (1 s) has passed,
 * passive ejection takes it out after three of them, after which clients see no more timeouts;
 * unfrozen, it is let back in by the probe request at the end of its ejection.
 */
@SystemTest
@Timeout(180)
class FrozenBackendSystemTest {

    private static final int CLIENTS = 4;
    private static final double RESPONSE_TIMEOUT_MS = 1_000;

    @Test
    void aFrozenHostTimesOutWith504IsEjectedAndReturnsWhenThawed() throws Exception {
        try (BackendHosts hosts = BackendHosts.start("node-1", "node-2", "node-3");
                HealthLog health = HealthLog.capture();
                Pibl pibl = Pibl.start(config(hosts))) {
            try (Traffic warm = Traffic.start(pibl.port(), CLIENTS, "/", 90, Duration.ofSeconds(60))) {
                warm.awaitTotal(90, Duration.ofSeconds(60));
                assertThat(warm.stop()).allMatch(Reply::ok).extracting(Reply::backend)
                        .contains("node-1", "node-2", "node-3");
            }

            hosts.pause("node-2");
            long pausedAt = System.currentTimeMillis();
            HealthLog.Line ejected;
            List<Reply> frozen;
            try (Traffic load = Traffic.start(pibl.port(), CLIENTS, "/", 20_000, Duration.ofSeconds(60))) {
                ejected = health.await("backend node-2 ejected", pausedAt, Duration.ofSeconds(30));
                frozen = load.stop(); // lets the requests still waiting on node-2 end, as 504s
            }
            assertThat(frozen).as("while node-2 was frozen, clients got answers or 504s, nothing else")
                    .allMatch(r -> r.status() == 200 || r.status() == 504);
            int clientsTimedOut = (int) frozen.stream().filter(r -> r.status() == 504).count();
            List<Exchange> timedOut = pibl.awaitExchanges(e -> e.status() == 504, clientsTimedOut);
            assertThat(timedOut).as("504s logged").hasSize(clientsTimedOut).hasSizeGreaterThanOrEqualTo(3)
                    .allSatisfy(e -> {
                        assertThat(e.backend()).isEqualTo("node-2");
                        // Not before the deadline, and not long after it (the client waits 15 s).
                        assertThat(e.durationMs()).isBetween(RESPONSE_TIMEOUT_MS, RESPONSE_TIMEOUT_MS + 3_000);
                    });
            assertThat(ejected.message()).contains("6000 ms");
            assertThat(pibl.health("node-2").ejected()).isTrue();

            // Ejected for 6 s: no request reaches node-2 and nobody waits for it.
            try (Traffic load = Traffic.start(pibl.port(), CLIENTS, "/", 150, Duration.ofSeconds(30))) {
                load.awaitTotal(150, Duration.ofSeconds(30));
                List<Reply> replies = load.stop();
                assertThat(replies).allMatch(Reply::ok).extracting(Reply::backend).containsOnly("node-1", "node-3");
                assertThat(replies.get(replies.size() - 1).endMillis())
                        .as("the window ended within the ejection, else a probe may have gone to node-2")
                        .isLessThan(ejected.atMillis() + 6_000);
            }

            hosts.unpause("node-2");
            try (Traffic load = Traffic.start(pibl.port(), CLIENTS, "/", 40_000, Duration.ofSeconds(60))) {
                HealthLog.Line back = health.await("backend node-2 is back", pausedAt, Duration.ofSeconds(30));
                load.awaitCount(30, r -> "node-2".equals(r.backend()), Duration.ofSeconds(30));
                List<Reply> replies = load.stop();
                assertThat(replies).as("after the thaw").allMatch(Reply::ok);
                assertThat(back.atMillis()).isGreaterThanOrEqualTo(ejected.atMillis() + 6_000);
            }
            System.out.printf("[system-test] frozen node-2: %d 504s in %d replies until ejected %d ms after the pause%n",
                    timedOut.size(), frozen.size(), ejected.atMillis() - pausedAt);
        }
    }

    private static String config(BackendHosts hosts) {
        return """
                server: { port: 0, bind: 127.0.0.1, io-threads: 2 }
                %s
                timeouts: { connect: 500ms, response: 1s }
                health:
                  passive: { enabled: true, consecutive-failures: 3, ejection-time: 6s, max-ejection-time: 1m,
                             max-ejected-percent: 50 }
                cache: { enabled: false }
                logging: { format: json, stdout: false }
                admin: { enabled: false }
                """.formatted(hosts.backendsYaml());
    }
}
