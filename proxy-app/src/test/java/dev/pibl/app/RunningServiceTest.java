package dev.pibl.app;

import static dev.pibl.app.NotifySocket.statusOnly;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.server.ReloadListener;
import dev.pibl.server.ReloadResult;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How reload requests become reloads and what systemd hears of them, with a real server and a
 * socket standing in for systemd: reloads run on their own thread, one at a time, requests
 * waiting together become one, and systemd is never left believing a reload still runs.
 */
class RunningServiceTest {

    @TempDir
    Path dir;

    @Test
    void requestsWhileOneWaitsBecomeOneReloadOnTheReloadThread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        ReloadListener slowFirst = new ReloadListener() {
            @Override
            public void reloading() {
                threads.add(Thread.currentThread().getName());
                started.countDown();
                await(release);
            }
        };
        try (TestBackend backend = TestBackend.start("node-a");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             NotifySocket systemd = NotifySocket.bind(dir.resolve("notify").toString());
             SystemdNotifier notifier = SystemdNotifier.to(systemd.address(), System::nanoTime)) {
            proxy.server().addReloadListener(slowFirst);
            RunningService service = RunningService.start(proxy.server(), notifier);
            assertThat(systemd.next()).containsEntry("READY", "1");

            service.requestReload();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            service.requestReload(); // waits for the first to end...
            service.requestReload(); // ...and this one joins it
            release.countDown();

            for (int reload = 1; reload <= 2; reload++) {
                assertThat(systemd.next(m -> !statusOnly(m))).containsEntry("RELOADING", "1");
                assertThat(systemd.next(m -> !statusOnly(m))).containsEntry("READY", "1");
            }
            service.stopping();
            assertThat(systemd.next(m -> !statusOnly(m))).containsEntry("STOPPING", "1");
            assertThat(threads).hasSize(2).allMatch(name -> name.startsWith("pibl-reload-"));
        }
    }

    @Test
    void aReloadThatThrowsStillEndsWithReady() throws Exception {
        try (TestBackend backend = TestBackend.start("node-a");
             TestProxy proxy = TestProxy.builder().backend(backend).start();
             NotifySocket systemd = NotifySocket.bind(dir.resolve("notify").toString());
             SystemdNotifier notifier = SystemdNotifier.to(systemd.address(), System::nanoTime)) {
            RunningService service = RunningService.start(proxy.server(), notifier);
            proxy.server().addReloadListener(new ReloadListener() {
                @Override
                public void reloading() {
                    throw new IllegalStateException("broken listener");
                }
            });
            systemd.next();
            service.requestReload();
            assertThat(systemd.next(m -> !statusOnly(m))).containsEntry("RELOADING", "1");
            Map<String, String> after = systemd.next(m -> !statusOnly(m));
            assertThat(after).containsEntry("READY", "1");
            // Whether the server lets a listener's exception out or not, systemd hears the reload end.
            assertThat(after.get("STATUS")).matches("reload (failed \\(java.lang.IllegalStateException: broken listener\\)"
                    + "|applied|refused).*");
            service.close();
        }
    }

    @Test
    void describesAppliedAndRefusedReloads() {
        assertThat(RunningService.describe(new ReloadResult(true, 3, List.of("backends", "timeouts.response"),
                List.of("server.port"), List.of()))).isEqualTo("applied: generation 3, changed backends, "
                + "timeouts.response; a restart is needed to apply server.port");
        assertThat(RunningService.describe(new ReloadResult(true, 2, List.of(), List.of(), List.of())))
                .isEqualTo("applied: generation 2, nothing changed");
        assertThat(RunningService.describe(new ReloadResult(false, 1, List.of(), List.of(),
                List.of("pibl.yaml:3: server.port: 70000 (expected: an integer from 1 to 65535)"))))
                .isEqualTo("refused, generation 1 stays in force: pibl.yaml:3: server.port: 70000 "
                        + "(expected: an integer from 1 to 65535)");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
