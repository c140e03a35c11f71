package dev.pibl.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.systemtests.Traffic.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 4: a backend host restarts ({@code docker restart}: its server exits and starts again
 * on the same address) while PIBL holds pooled keep-alive connections to it. Idempotent requests
 * never fail for it, neither the ones that find the old pooled connections afterwards nor the ones
 * sent while it is down, and it takes traffic again once it is back.
 */
@SystemTest
@Timeout(180)
class BackendRestartSystemTest {

    private static final int CLIENTS = 4;

    @Test
    void restartingAHostBehindPooledConnectionsFailsNoIdempotentRequest() throws Exception {
        try (BackendHosts hosts = BackendHosts.start("node-1", "node-2");
                Pibl pibl = Pibl.start(config(hosts))) {
            // Pool connections to both hosts on both event loops, then leave them idle.
            try (Traffic warm = Traffic.start(pibl.port(), CLIENTS, "/", 80, Duration.ofSeconds(60))) {
                warm.awaitTotal(80, Duration.ofSeconds(60));
                assertThat(warm.stop()).allMatch(Reply::ok).extracting(Reply::backend).contains("node-1", "node-2");
            }

            hosts.restart("node-1"); // no traffic meanwhile: every pooled connection to it is now dead
            try (Traffic after = Traffic.start(pibl.port(), 1, "/", 40, Duration.ofSeconds(60))) {
                after.awaitTotal(40, Duration.ofSeconds(60));
                assertThat(after.stop()).as("one client after the idle restart").allMatch(Reply::ok)
                        .extracting(Reply::backend).contains("node-1", "node-2");
            }

            try (Traffic load = Traffic.start(pibl.port(), CLIENTS, "/", 60_000, Duration.ofSeconds(120))) {
                load.awaitMore(100, Duration.ofSeconds(30));
                long restartedAt = System.currentTimeMillis();
                hosts.restart("node-2"); // under load this time
                long answeringAt = System.currentTimeMillis();
                load.awaitCount(50, r -> r.startMillis() >= answeringAt && "node-2".equals(r.backend()),
                        Duration.ofSeconds(60));
                List<Reply> replies = load.stop();
                assertThat(replies).as("no request failed, before, during or after the restart")
                        .allMatch(Reply::ok);
                System.out.printf("[system-test] restart under load: %d replies, all 200; node-2 answered again"
                        + " %d ms after the restart began%n", replies.size(), answeringAt - restartedAt);
            }
        }
    }

    private static String config(BackendHosts hosts) {
        // Passive ejection keeps a restarting host's refusals from using up the retry budget.
        return """
                server: { port: 0, bind: 127.0.0.1, io-threads: 2 }
                %s
                timeouts: { connect: 500ms, response: 5s }
                upstream: { max-tries: 2 }
                health:
                  passive: { enabled: true, consecutive-failures: 3, ejection-time: 1s }
                cache: { enabled: false }
                logging: { format: json, stdout: false }
                admin: { enabled: false }
                """.formatted(hosts.backendsYaml());
    }
}
