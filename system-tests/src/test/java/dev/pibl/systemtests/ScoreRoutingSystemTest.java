package dev.pibl.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pibl.systemtests.Pibl.Exchange;
import dev.pibl.testing.LoopbackClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 6: score-based balancing over pools of backend hosts. Two clients behind a trusted
 * load balancer (127.0.0.1, naming them in X-Forwarded-For): a flooder ends up on the restricted
 * pool's host and stays there; a polite browser stays on the main pool's two hosts. What PIBL
 * logged and shows on /admin/clients agrees with what the clients saw.
 */
@SystemTest
@Timeout(180)
class ScoreRoutingSystemTest {

    private static final String POLITE = "198.51.100.7";
    private static final String FLOODER = "203.0.113.66";
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    @TempDir
    Path dir;

    @Test
    void aFlooderIsMovedToTheRestrictedPoolWhileAPoliteClientStaysOnTheMainPool() throws Exception {
        try (BackendHosts hosts = BackendHosts.start("main-1", "main-2", "jail");
                Pibl pibl = Pibl.start(config(hosts, model()))) {
            CompletableFuture<List<String>> polite = CompletableFuture.supplyAsync(() -> politeBrowsing(pibl.port()));
            CompletableFuture<List<String>> flood = CompletableFuture.supplyAsync(() -> flooding(pibl.port()));

            List<String> politeBackends = polite.get(90, TimeUnit.SECONDS);
            assertThat(politeBackends).hasSize(21).containsOnly("main-1", "main-2");

            List<String> floodBackends = flood.get(90, TimeUnit.SECONDS);
            int moved = floodBackends.indexOf("jail") + 1;
            assertThat(moved).as("requests until the flooder reached the restricted pool").isBetween(2, 50);
            assertThat(floodBackends.subList(0, moved - 1)).as("before that").containsOnly("main-1", "main-2");
            assertThat(floodBackends.subList(moved, floodBackends.size())).as("after that").containsOnly("jail");

            List<Exchange> log = pibl.awaitExchanges(e -> true, politeBackends.size() + floodBackends.size());
            assertThat(log).filteredOn(e -> e.client().equals("127.0.0.1") && "jail".equals(e.backend()))
                    .isNotEmpty().extracting(Exchange::tier).containsOnly("restricted");
            assertThat(log).filteredOn(e -> "trusted".equals(e.tier())).extracting(Exchange::backend)
                    .containsOnly("main-1", "main-2");
            JsonNode flooder = pibl.adminJson("/admin/clients/" + FLOODER);
            assertThat(flooder.get("tier").asText()).isEqualTo("restricted");
            assertThat(pibl.adminJson("/admin/clients/" + POLITE).get("tier").asText()).isEqualTo("trusted");
            System.out.printf("[system-test] score routing: the flooder reached jail at request %d of %d, score %s%n",
                    moved, floodBackends.size(), flooder.get("score"));
        }
    }

    /** A page, the six assets it links, a pause to read it; three times. */
    private static List<String> politeBrowsing(int port) {
        try (LoopbackClient c = new LoopbackClient("127.0.0.1", port, BROWSER).header("X-Forwarded-For: " + POLITE)) {
            for (int page = 0; page < 3; page++) {
                assertThat(c.get("/page/" + page).status()).isEqualTo(200);
                for (int asset = 0; asset < 6; asset++) {
                    assertThat(c.get("/static/1k.bin?img=" + (page * 6 + asset)).status()).isEqualTo(200);
                }
                Thread.sleep(700);
            }
            return c.answeredBy();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One path, as fast as answers come, no User-Agent: 300 requests. */
    private static List<String> flooding(int port) {
        try (LoopbackClient c = new LoopbackClient("127.0.0.1", port, null).header("X-Forwarded-For: " + FLOODER)) {
            for (int i = 0; i < 300; i++) {
                assertThat(c.get("/").status()).as("flood request %d", i + 1).isEqualTo(200);
            }
            return c.answeredBy();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hand-set model of PIBL's machinery tests, which stays put when the shipped one is retrained. */
    private Path model() throws Exception {
        Path model = dir.resolve("handset.json");
        try (InputStream in = getClass().getResourceAsStream("/models/handset.json")) {
            Files.copy(in, model);
        }
        return model;
    }

    private static String config(BackendHosts hosts, Path model) {
        return """
                server: { port: 0, bind: 127.0.0.1, io-threads: 2, trusted-proxies: [127.0.0.1] }
                %s
                balancing:
                  policy: score
                  score:
                    scorer: builtin
                    model: "%s"
                    clients: { header: x-forwarded-for }
                    tiers:
                      - { name: trusted, below: 0.5, pool: [main-1, main-2] }
                      - { name: restricted, pool: [jail] }
                cache: { enabled: false }
                logging: { format: json, stdout: false }
                admin: { enabled: true, port: 0, bind: 127.0.0.1 }
                """.formatted(hosts.backendsYaml(), model);
    }
}
