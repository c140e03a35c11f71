package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.HealthConfig;
import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.ScriptedBackend;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Backends that freeze or die while traffic flows: what clients see, and how fast it stops. */
class BackendFaultTest {

    private static HealthConfig ejectAfter(int failures) {
        return HealthConfigs.passive(failures, Duration.ofSeconds(30), 50, false);
    }

    @Test
    void aBlackHoledBackendGives504WithinTheDeadlineAndIsThenEjected() throws Exception {
        try (ScriptedBackend blackHole = new ScriptedBackend((i, head) -> {
                    try {
                        Thread.sleep(30_000); // accepts, reads, never answers: a frozen host
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
             TestBackend good = TestBackend.start("good");
             TestProxy proxy = TestProxy.builder().backend("hole", blackHole.port(), 1).backend(good)
                     .responseTimeout(Duration.ofMillis(300)).health(ejectAfter(2)).start()) {
            int timeouts = 0;
            for (int i = 0; i < 12; i++) {
                try (RawHttp client = new RawHttp(proxy.port())) {
                    long start = System.nanoTime();
                    int status = client.send("GET /" + i + " HTTP/1.1\r\nHost: t\r\n\r\n").read().status();
                    if (status == 504) {
                        timeouts++;
                        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                    } else {
                        assertThat(status).isEqualTo(200);
                    }
                }
            }
            assertThat(timeouts).as("two timeouts in a row eject it; no client waits on it after").isEqualTo(2);
            assertThat(good.requests()).hasSize(10);
        }
    }

    @Test
    void killingABackendUnderLoadFailsAtMostTheRequestsInFlightOnIt() throws Exception {
        int clients = 4;
        TestBackend doomed = TestBackend.start("doomed");
        try (TestBackend survivor = TestBackend.start("survivor");
             TestProxy proxy = TestProxy.builder().backend(doomed).backend(survivor).health(ejectAfter(3)).start()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger afterKillFailures = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<int[]>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> load(proxy.port(), running, killed, afterKillFailures)));
            }
            Thread.sleep(500);
            doomed.close(); // listener and every open connection go at once
            killed.set(true);
            Thread.sleep(1000);
            running.set(false);
            int ok = 0;
            int failed = 0;
            for (Future<int[]> f : results) {
                int[] r = f.get(20, TimeUnit.SECONDS);
                ok += r[0];
                failed += r[1];
            }
            pool.shutdownNow();
            System.out.printf("killed a backend under load: %d ok, %d failed (%d after the kill)%n", ok, failed,
                    afterKillFailures.get());
            assertThat(failed).as("at most one request in flight per client connection").isLessThanOrEqualTo(clients);
            assertThat(ok).isGreaterThan(100);
        }
    }

    /** Keep-alive GETs in a loop; returns {ok, failed}. A failed connection is replaced. */
    private static int[] load(int port, AtomicBoolean running, AtomicBoolean killed, AtomicInteger afterKill)
            throws IOException {
        int ok = 0;
        int failed = 0;
        RawHttp client = new RawHttp(port);
        try {
            while (running.get()) {
                int status;
                try {
                    status = client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().status();
                } catch (IOException e) {
                    status = -1;
                    client.close();
                    client = new RawHttp(port);
                }
                if (status == 200) {
                    ok++;
                } else {
                    failed++;
                    if (killed.get()) {
                        afterKill.incrementAndGet();
                    }
                }
            }
        } finally {
            client.close();
        }
        return new int[] {ok, failed};
    }
}
