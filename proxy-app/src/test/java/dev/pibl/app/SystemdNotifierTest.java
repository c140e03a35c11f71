package dev.pibl.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The sd_notify datagrams as systemd receives them, over a real unix datagram socket: the
 * lifecycle in order, abstract-namespace addresses, status lines, and that having no systemd or
 * an unreachable one changes nothing for PIBL.
 */
class SystemdNotifierTest {

    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SystemdNotifier.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
    }

    @Test
    void tellsTheLifecycleInOrder() throws Exception {
        try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify").toString());
             SystemdNotifier notifier = SystemdNotifier.to(systemd.address(), () -> 7_123_456_789L)) {
            assertThat(notifier.enabled()).isTrue();
            notifier.ready("0 client connections, 2/2 backends available");
            notifier.reloading();
            notifier.reloaded("reload refused: reload is not implemented yet");
            notifier.stopping("draining");

            assertThat(systemd.next()).containsExactly(entry("READY", "1"),
                    entry("STATUS", "0 client connections, 2/2 backends available"), entry("MAINPID", "" + PID));
            // CLOCK_MONOTONIC in microseconds, as systemd 253+ matches it to the SIGHUP it sent.
            assertThat(systemd.next()).containsExactly(entry("RELOADING", "1"), entry("MONOTONIC_USEC", "7123456"),
                    entry("STATUS", "reloading the configuration"));
            assertThat(systemd.next()).containsExactly(entry("READY", "1"),
                    entry("STATUS", "reload refused: reload is not implemented yet"));
            assertThat(systemd.next()).containsExactly(entry("STOPPING", "1"), entry("STATUS", "draining"));
        }
        assertThat(logged.list).isEmpty();
    }

    @Test
    void reachesAnAbstractNamespaceSocket() throws Exception {
        String name = "pibl-test-" + UUID.randomUUID();
        try (NotifySocket systemd = NotifySocket.bind("@" + name);
             SystemdNotifier notifier = SystemdNotifier.to(systemd.address(), System::nanoTime)) {
            // The kernel lists abstract sockets with a leading @: this one is not a file anywhere.
            assertThat(Files.readString(Path.of("/proc/net/unix"))).contains(" @" + name + "\n");
            notifier.ready("listening");
            assertThat(systemd.next()).containsEntry("READY", "1").containsEntry("STATUS", "listening");
        }
    }

    @Test
    void sendsTheStatusPeriodicallyOnOneLine() throws Exception {
        AtomicInteger round = new AtomicInteger();
        try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify").toString());
             SystemdNotifier notifier = SystemdNotifier.to(systemd.address(), System::nanoTime)) {
            notifier.statusEvery(Duration.ofMillis(20), () -> "round\n" + round.incrementAndGet());
            assertThat(systemd.next()).containsExactly(entry("STATUS", "round 1"));
            assertThat(systemd.next()).containsExactly(entry("STATUS", "round 2"));
        }
    }

    @Test
    void withoutNotifySocketDoesNothing() {
        SystemdNotifier none = SystemdNotifier.fromEnvironment(Map.of("HOME", "/root"));
        assertThat(none.enabled()).isFalse();
        none.ready("x");
        none.reloading();
        none.reloaded("x");
        none.statusEvery(Duration.ofMillis(1), () -> "x");
        none.stopping("x");
        none.close();
        assertThat(logged.list).isEmpty();
    }

    @Test
    void anAddressItCannotReachIsReportedAndIgnored() {
        SystemdNotifier vsock = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:1234"));
        assertThat(vsock.enabled()).isFalse();
        vsock.ready("x");
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("NOTIFY_SOCKET=vsock:2:1234");
        });
    }

    @Test
    void aFailedSendIsLoggedOnceAndNeverThrown() {
        NotifySocket.assumeEpoll();
        String nobody = dir.resolve("nobody-listens").toString();
        try (SystemdNotifier notifier = SystemdNotifier.to(nobody, System::nanoTime)) {
            notifier.ready("listening");
            notifier.status("still here");
            notifier.reloading();
            notifier.stopping("draining"); // waits for its send, so every earlier send has ended too
        }
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("cannot notify systemd through " + nobody);
        });
    }
}
