package dev.pibl.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.systemtests.Pibl.Exchange;
import dev.pibl.systemtests.Traffic.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 3: a backend host is cut off from the network ({@code docker network disconnect})
 * while PIBL holds keep-alive connections to it, and later reconnected with its old address.
 * Requests already sent on those connections get 504 at the response timeout, new connections
 * time out and go to the other hosts, active checks take it out, and after the reconnection the
 * checks bring it back and it serves again.
 */
@SystemTest
@Timeout(180)
class PartitionSystemTest {

    private static final int CLIENTS = 4;
    private static final long RESPONSE_TIMEOUT_MS = 2_000;

    @Test
    void aPartitionedHostIsRoutedAroundAndRejoinsAfterReconnection() throws Exception {
        try (BackendHosts hosts = BackendHosts.start("node-1", "node-2", "node-3");
                HealthLog health = HealthLog.capture();
                Pibl pibl = Pibl.start(config(hosts));
                Traffic load = Traffic.start(pibl.port(), CLIENTS, "/", 60_000, Duration.ofSeconds(120))) {
            load.awaitMore(150, Duration.ofSeconds(60)); // keep-alive connections to every host now pooled
            assertThat(load.replies()).allMatch(Reply::ok).extracting(Reply::backend)
                    .contains("node-1", "node-2", "node-3");

            long cutAt = System.currentTimeMillis();
            hosts.disconnect("node-2");
            HealthLog.Line down = health.await("backend node-2 is down", cutAt, Duration.ofSeconds(30));
            // Requests sent to node-2 before it was taken out have had their response timeout by now.
            long settled = down.atMillis() + RESPONSE_TIMEOUT_MS + 500;
            load.awaitCount(200, r -> r.startMillis() >= settled, Duration.ofSeconds(60));

            List<Reply> cut = load.startedSince(cutAt);
            assertThat(cut).as("during the partition, answers or 504s only").allMatch(r -> r.status() == 200
                    || r.status() == 504);
            int clientsTimedOut = (int) load.replies().stream().filter(r -> r.status() == 504).count();
            List<Exchange> timedOut = pibl.awaitExchanges(e -> e.status() == 504, clientsTimedOut);
            assertThat(timedOut).as("the 504s were requests on node-2 that waited out the response timeout")
                    .hasSize(clientsTimedOut)
                    .allSatisfy(e -> {
                        assertThat(e.backend()).isEqualTo("node-2");
                        assertThat(e.durationMs()).isGreaterThanOrEqualTo(RESPONSE_TIMEOUT_MS);
                    });
            assertThat(load.startedSince(settled)).as("once node-2 is out").allMatch(Reply::ok)
                    .extracting(Reply::backend).containsOnly("node-1", "node-3");
            assertThat(pibl.health("node-2").activeHealthy()).isFalse();

            hosts.reconnect("node-2");
            HealthLog.Line up = health.await("backend node-2 is up", cutAt, Duration.ofSeconds(30));
            load.awaitCount(30, r -> r.startMillis() >= up.atMillis() && "node-2".equals(r.backend()),
                    Duration.ofSeconds(30));
            List<Reply> rejoined = load.stop().stream().filter(r -> r.startMillis() >= up.atMillis()).toList();
            assertThat(rejoined).as("after the reconnection").allMatch(Reply::ok);
            System.out.printf("[system-test] partition: %d replies while cut off, %d of them 504; node-2 down %d ms"
                    + " after the cut%n", cut.size(), timedOut.size(), down.atMillis() - cutAt);
        }
    }

    private static String config(BackendHosts hosts) {
        return """
                server: { port: 0, bind: 127.0.0.1, io-threads: 2 }
                %s
                timeouts: { connect: 500ms, response: 2s }
                health:
                  active: { enabled: true, path: /, interval: 1s, timeout: 800ms, rise: 2, fall: 3 }
                  passive: { enabled: false }
                cache: { enabled: false }
                logging: { format: json, stdout: false }
                admin: { enabled: false }
                """.formatted(hosts.backendsYaml());
    }
}
