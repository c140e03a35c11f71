package dev.pibl.server;

import static dev.pibl.testing.ScoreConfigs.builtin;
import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pibl.config.PiblConfig;
import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Reloads while clients keep requesting, on keep-alive connections and on fresh ones: adding and
 * removing backends, changing weights, switching the policy to score and back, and one invalid
 * configuration refused. Not one request may fail. The load is bounded: it runs until the reloads are done, at most 30 s.
 */
class ReloadUnderLoadTest {

    private static final int KEEP_ALIVE_CLIENTS = 4;

    @Test
    void noRequestFailsWhileTheConfigurationIsReloadedRepeatedly() throws Exception {
        try (TestBackend a = TestBackend.start("a");
                TestBackend b = TestBackend.start("b");
                TestBackend c = TestBackend.start("c");
                TestProxy proxy = TestProxy.builder().backend(a).backend(b).start()) {
            List<PiblConfig> steps = List.of(
                    TestProxy.builder().backend(a).backend(b).backend(c).config(),
                    TestProxy.builder().backend(b).backend(c).config(),
                    TestProxy.builder().backend("b", b.port(), 3).backend("c", c.port(), 1).config(),
                    TestProxy.builder().backend(a).backend(b).backend(c)
                            .balancing(builtin(route("trusted", 0, 0.5, "a", "b"), route("rest", 0.5, 1, "c")))
                            .config(),
                    TestProxy.builder().backend(a).backend(c).config(),
                    TestProxy.builder().backend(a).backend(b).backend(c).config());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ok = new AtomicLong();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            ExecutorService load = Executors.newFixedThreadPool(KEEP_ALIVE_CLIENTS + 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; i < KEEP_ALIVE_CLIENTS; i++) {
                String address = "127.0.0." + (10 + i);
                load.execute(() -> keepAlive(address, proxy.port(), stop, deadline, ok, failures));
            }
            load.execute(() -> freshConnections(proxy.port(), stop, deadline, ok, failures));

            int generation = 1;
            for (PiblConfig step : steps) {
                long before = ok.get();
                await().atMost(10, TimeUnit.SECONDS).until(() -> ok.get() >= before + 200 || !failures.isEmpty());
                ReloadResult r = proxy.server().reload(step);
                assertThat(r.problems()).isEmpty();
                assertThat(r.generation()).isEqualTo(++generation);
                if (generation == 3) {
                    // An invalid configuration in the middle of it all is kept out, and nobody notices.
                    ReloadResult refused = proxy.server().reload(TestProxy.builder().backend(a).backend(b)
                            .balancing(builtin(route("all", 0, 1, "a", "b", "no-such-backend"))).config());
                    assertThat(refused.applied()).isFalse();
                    assertThat(refused.problems()).singleElement().asString().contains("no-such-backend");
                    assertThat(proxy.server().generation()).isEqualTo(generation);
                }
            }
            long last = ok.get();
            await().atMost(10, TimeUnit.SECONDS).until(() -> ok.get() >= last + 200 || !failures.isEmpty());
            stop.set(true);
            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThan(7 * 200);
            assertThat(proxy.server().generation()).isEqualTo(1 + steps.size());
            // The last configuration is in force for every connection.
            try (LoopbackClient probe = new LoopbackClient("127.0.0.50", proxy.port(), "Mozilla/5.0")) {
                for (int i = 0; i < 3; i++) {
                    probe.get("/");
                }
                assertThat(probe.answeredBy()).containsExactlyInAnyOrder("a", "b", "c");
            }
        }
    }

    private static void keepAlive(String address, int port, AtomicBoolean stop, long deadline, AtomicLong ok,
            Queue<String> failures) {
        try (LoopbackClient client = new LoopbackClient(address, port, "Mozilla/5.0")) {
            while (!stop.get() && System.nanoTime() - deadline < 0) {
                RawHttp.Response r = client.get("/");
                if (r.status() == 200) {
                    ok.incrementAndGet();
                } else {
                    failures.add(address + ": " + r.status() + " " + r.bodyText());
                }
            }
        } catch (Exception e) {
            failures.add(address + ": " + e);
        }
    }

    private static void freshConnections(int port, AtomicBoolean stop, long deadline, AtomicLong ok,
            Queue<String> failures) {
        while (!stop.get() && System.nanoTime() - deadline < 0) {
            try (RawHttp http = new RawHttp("127.0.0.20", port)) {
                RawHttp.Response r = http.send("GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: Mozilla/5.0\r\n"
                        + "Connection: close\r\n\r\n").read();
                if (r.status() == 200) {
                    ok.incrementAndGet();
                } else {
                    failures.add("fresh: " + r.status() + " " + r.bodyText());
                }
            } catch (Exception e) {
                failures.add("fresh: " + e);
            }
        }
    }
}
