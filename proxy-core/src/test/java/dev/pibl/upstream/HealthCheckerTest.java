package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pibl.balance.Backend;
import dev.pibl.balance.HealthRegistry;
import dev.pibl.config.HealthConfig;
import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.TestBackend;
import io.netty.channel.ChannelException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Active checks against real sockets: what a check reads, and where its verdict is recorded. */
class HealthCheckerTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("check-loop"),
            NioIoHandler.newFactory());

    @AfterEach
    void shutDown() {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Checks every 50 ms; one check decides either way. */
    private static HealthConfig.ActiveCheck checks(boolean startHealthy) {
        return new HealthConfig.ActiveCheck(true, "/health", Duration.ofMillis(50), Duration.ofSeconds(2), 200, 399,
                1, 1, startHealthy);
    }

    private static HealthRegistry registry(Backend backend, HealthConfig.ActiveCheck active) {
        HealthConfig config = new HealthConfig(active, HealthConfigs.noEjection().passive(), false, Duration.ZERO);
        return new HealthRegistry(List.of(backend), config, System::nanoTime);
    }

    private static Backend backend(int port) {
        return new Backend(0, "b", new InetSocketAddress("127.0.0.1", port), "127.0.0.1:" + port, 1);
    }

    @Test
    void aHealthResponseWithALargeBodyIsJudgedByItsStatus() throws Exception {
        String large = "x".repeat(1 << 20);
        try (TestBackend server = TestBackend.start("b", (ctx, req, b) -> b.reply(ctx, req, HttpResponseStatus.OK, large))) {
            Backend b = backend(server.port());
            HealthRegistry registry = registry(b, checks(false));
            try (HealthChecker checker = HealthChecker.start(List.of(b), checks(false), registry, group,
                    NioSocketChannel.class)) {
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> registry.of(b).activeHealthy());
            }
            assertThat(server.requests()).allMatch(r -> r.uri().equals("/health"));
        }
    }

    /**
     * A socket channel that cannot be created, as when the process is out of file descriptors:
     * Bootstrap then returns a future that failed already, bound to the GlobalEventExecutor.
     */
    public static final class NoSocketLeft extends NioSocketChannel {
        public NoSocketLeft() {
            super(unavailable());
        }

        private static SocketChannel unavailable() {
            throw new ChannelException("too many open files");
        }
    }

    @Test
    void aCheckThatCannotOpenASocketFailsAndIsRecordedOnTheChecksLoop() throws Exception {
        Backend b = backend(FailureTest.deadPort());
        HealthRegistry registry = registry(b, checks(true));
        Logger log = (Logger) LoggerFactory.getLogger(HealthRegistry.class);
        ListAppender<ILoggingEvent> verdicts = new ListAppender<>();
        verdicts.start();
        log.addAppender(verdicts);
        try (HealthChecker checker = HealthChecker.start(List.of(b), checks(true), registry, group,
                NoSocketLeft.class)) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !registry.of(b).activeHealthy());
        } finally {
            log.detachAppender(verdicts);
        }
        assertThat(verdicts.list).filteredOn(e -> e.getFormattedMessage().contains("is down")).singleElement()
                .extracting(ILoggingEvent::getThreadName).asString().startsWith("check-loop");
    }

    @Test
    void aLargeBodyDoesNotHideABadStatus() throws Exception {
        String large = "x".repeat(1 << 20);
        try (TestBackend server = TestBackend.start("b",
                (ctx, req, b) -> b.reply(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, large))) {
            Backend b = backend(server.port());
            HealthRegistry registry = registry(b, checks(true));
            try (HealthChecker checker = HealthChecker.start(List.of(b), checks(true), registry, group,
                    NioSocketChannel.class)) {
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !registry.of(b).activeHealthy());
            }
        }
    }
}
