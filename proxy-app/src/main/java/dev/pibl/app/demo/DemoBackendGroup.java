package dev.pibl.app.demo;

import io.netty.channel.EventLoopGroup;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Demo nodes started together by {@link DemoBackend#startAll} and the event loop group they
 * share, which this object owns. Threads: created by the thread that called startAll; close from
 * any thread except the group's own event loops.
 */
public final class DemoBackendGroup implements AutoCloseable {

    private static final long QUIET_PERIOD_MILLIS = 0;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 2_000;

    private final List<DemoBackend> backends;
    private final EventLoopGroup group;
    private final AtomicBoolean closed = new AtomicBoolean();

    DemoBackendGroup(List<DemoBackend> backends, EventLoopGroup group) {
        this.backends = List.copyOf(backends);
        this.group = group;
    }

    /** The nodes in name order: node-1 first. */
    public List<DemoBackend> backends() {
        return backends;
    }

    /**
     * Closes every node, then shuts the event loops down with no quiet period: a demo or a test
     * wants its ports and threads back at once, not after Netty's default two-second wait.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(backends, group);
        }
    }

    static void closeAll(List<DemoBackend> backends, EventLoopGroup group) {
        try {
            backends.forEach(DemoBackend::close);
        } finally {
            group.shutdownGracefully(QUIET_PERIOD_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS + 1_000, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public String toString() {
        return "DemoBackendGroup" + backends;
    }
}
