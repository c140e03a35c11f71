package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.balance.Backend;
import dev.pibl.config.TimeoutsConfig;
import dev.pibl.config.UpstreamConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pools moving between configuration generations on one event loop, in the orders reloads can cause. */
class UpstreamPoolsHandOverTest {

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = (EventLoop) group.next();
    private final Backend a = new Backend(0, "a", new InetSocketAddress("127.0.0.1", 9), "127.0.0.1:9", 1);
    private final UpstreamConfig upstream = new UpstreamConfig(10, 10, Duration.ofSeconds(1), 2, false, 20, 3);
    private final TimeoutsConfig timeouts = new TimeoutsConfig(Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ZERO);

    @AfterEach
    void stop() throws InterruptedException {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }

    @Test
    void aBackendThatStaysKeepsItsPoolAcrossTwoQuickReloadsAndNoGenerationIsLeftHoldingPools() throws Exception {
        UpstreamPools first = new UpstreamPools(List.of(a), upstream, timeouts, 1, NioSocketChannel.class);
        ConnectionPool pool = loop.submit(() -> first.forLoop(loop).pool(a)).get();
        UpstreamPools second = first.next(List.of(a), upstream, timeouts, 1);
        UpstreamPools third = second.next(List.of(a), upstream, timeouts, 1);
        CountDownLatch go = new CountDownLatch(1);
        // An exchange that reads the third generation runs on the loop before the second's hand-over task.
        loop.execute(() -> {
            awaitQuietly(go);
            third.forLoop(loop);
        });
        second.handOver();
        go.countDown();
        third.handOver();
        loop.submit(() -> { }).sync(); // every task queued before this one has run

        assertThat(second.hasPools(loop)).as("the second generation builds nothing it would never hand on").isFalse();
        assertThat(first.hasPools(loop)).isFalse();
        assertThat(loop.submit(() -> third.forLoop(loop).pool(a)).get()).as("the same pool, idle connections and all")
                .isSameAs(pool);
    }

    @Test
    void poolsBuiltByAnExchangeThatReadTheOldGenerationAreTakenOverByTheNewOne() throws Exception {
        UpstreamPools first = new UpstreamPools(List.of(a), upstream, timeouts, 1, NioSocketChannel.class);
        UpstreamPools second = first.next(List.of(a), upstream, timeouts, 1);
        second.handOver(); // nothing to hand over yet: the loop has no pools
        // An exchange that read the first generation just before the reload builds its pools now.
        ConnectionPool late = loop.submit(() -> first.forLoop(loop).pool(a)).get();

        assertThat(loop.submit(() -> second.forLoop(loop).pool(a)).get()).isSameAs(late);
        assertThat(first.hasPools(loop)).isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
