package dev.pibl.server;

import static dev.pibl.testing.ScoreConfigs.shipped;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Score-based balancing end to end, with the model PIBL ships (trained on the simulation):
 * clients on their own loopback addresses behave as a browser, a flooder and a scanner do, and
 * the test checks which backend pool answered each of them.
 */
class ScoreRoutingTest {

    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";

    private TestBackend main1;
    private TestBackend main2;
    private TestBackend jail;
    private TestProxy proxy;

    @BeforeEach
    void start() throws InterruptedException {
        // Pages exist; anything else is a 404, as for a scanner probing for admin panels.
        TestBackend.Responder site = (ctx, req, b) -> b.reply(ctx, req,
                req.uri().equals("/") || req.uri().startsWith("/page/") || req.uri().startsWith("/static/")
                        ? HttpResponseStatus.OK
                        : HttpResponseStatus.NOT_FOUND, b.name());
        main1 = TestBackend.start("main-1", site);
        main2 = TestBackend.start("main-2", site);
        jail = TestBackend.start("jail", site);
        proxy = TestProxy.builder().backend(main1).backend(main2).backend(jail)
                .balancing(shipped(route("trusted", 0, 0.5, "main-1", "main-2"), route("restricted", 0.5, 1, "jail")))
                .start();
    }

    @AfterEach
    void stop() {
        proxy.close();
        main1.close();
        main2.close();
        jail.close();
    }

    @Test
    void flooderAndScannerAreMovedToTheRestrictedPoolWhileAPoliteClientStays() throws Exception {
        CompletableFuture<List<String>> polite = CompletableFuture.supplyAsync(() -> run(() -> {
            try (LoopbackClient c = new LoopbackClient("127.0.0.2", proxy.port(), BROWSER)) {
                for (int page = 0; page < 3; page++) {
                    assertThat(c.get("/page/" + page).status()).isEqualTo(200);
                    for (int asset = 0; asset < 6; asset++) { // what the page links
                        assertThat(c.get("/static/1k.bin?img=" + (page * 6 + asset)).status()).isEqualTo(200);
                    }
                    Thread.sleep(700); // reading the page
                }
                return c.answeredBy();
            }
        }));
        CompletableFuture<List<String>> flooder = CompletableFuture.supplyAsync(() -> run(() -> {
            try (LoopbackClient c = new LoopbackClient("127.0.0.3", proxy.port(), null)) {
                for (int i = 0; i < 300; i++) {
                    c.get("/"); // as fast as answers come: hundreds per second
                }
                return c.answeredBy();
            }
        }));
        CompletableFuture<List<String>> scanner = CompletableFuture.supplyAsync(() -> run(() -> {
            Random random = new Random(7);
            try (LoopbackClient c = new LoopbackClient("127.0.0.4", proxy.port(), BROWSER)) {
                for (int i = 0; i < 100; i++) {
                    c.get("/" + Long.toHexString(random.nextLong()) + ".php");
                    Thread.sleep(10);
                }
                return c.answeredBy();
            }
        }));

        List<String> politeBackends = polite.get(60, TimeUnit.SECONDS);
        assertThat(politeBackends).hasSize(21).containsOnly("main-1", "main-2");

        List<String> floodBackends = flooder.get(60, TimeUnit.SECONDS);
        int moved = floodBackends.indexOf("jail") + 1;
        assertThat(moved).as("requests until the flooder reached the restricted pool").isBetween(1, 50);
        assertThat(floodBackends.subList(moved, floodBackends.size())).as("after that, it stays there")
                .containsOnly("jail");

        List<String> scanBackends = scanner.get(60, TimeUnit.SECONDS);
        int scannerMoved = scanBackends.indexOf("jail") + 1;
        assertThat(scannerMoved).as("requests until the scanner reached the restricted pool").isBetween(1, 50);
        assertThat(scanBackends.subList(scannerMoved, scanBackends.size())).containsOnly("jail");

        // The access log says why: score, tier and model on every line of a scored request.
        assertThat(proxy.awaitAccessLog(421)).filteredOn(l -> l.contains(" 127.0.0.3 ") && l.contains("jail"))
                .isNotEmpty()
                .allMatch(l -> l.matches(".* score=(0\\.[5-9][0-9]{2}|1\\.000) tier=restricted model=behaviour-sim-\\S+"));
        assertThat(proxy.server().scoring().report("127.0.0.2").score().tierChanges()).isZero();
    }

    private interface Body<T> {
        T run() throws Exception;
    }

    private static <T> T run(Body<T> body) {
        try {
            return body.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
