package dev.pibl.app.demo;

import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting, naming, failing to bind and closing: what the {@code pibl demo} command relies on. */
class DemoBackendLifecycleTest {

    @BeforeAll
    static void watchForLeaks() {
    }

    @AfterAll
    static void noLeaks() {
    }

    @Test
    void startAllNamesNodesInOrderOnTheirOwnPorts() {
        try (DemoBackendGroup group = DemoBackend.startAll("127.0.0.1", 0, 3, 1)) {
            List<DemoBackend> nodes = group.backends();

            assertThat(nodes).extracting(DemoBackend::name).containsExactly("node-1", "node-2", "node-3");
            assertThat(nodes).extracting(DemoBackend::port).doesNotHaveDuplicates().allMatch(p -> p > 0);
            for (DemoBackend backend : nodes) {
                try (RawHttp http = new RawHttp(backend.port())) {
                    assertThat(http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read().text())
                            .isEqualTo("Hello from " + backend.name() + "\n");
                }
            }
        }
    }

    @Test
    void aTakenPortFailsWithAMessageNamingIt() {
        try (DemoBackendGroup running = DemoBackend.startAll("127.0.0.1", 0, 1, 1)) {
            int taken = running.backends().get(0).port();

            assertThatThrownBy(() -> DemoBackend.startAll("127.0.0.1", taken, 2, 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("node-1")
                    .hasMessageContaining("127.0.0.1:" + taken);
        }
    }

    @Test
    void invalidArgumentsAreRejectedUpFront() {
        assertThatThrownBy(() -> DemoBackend.startAll("127.0.0.1", 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count: 0");
        assertThatThrownBy(() -> DemoBackend.startAll("127.0.0.1", 65_535, 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firstPort: 65535");
        EventLoopGroup loops = DemoTransport.newGroup(1);
        try {
            assertThatThrownBy(() -> DemoBackend.start("bad\nname", "127.0.0.1", 0, loops))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("printable ASCII");
            assertThatThrownBy(() -> DemoBackend.start("n", "127.0.0.1", 70_000, loops))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port: 70000");
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void closeEndsKeepAliveConnectionsAndFreesThePort() {
        DemoBackendGroup group = DemoBackend.startAll("127.0.0.1", 0, 1, 1);
        int port = group.backends().get(0).port();
        try (RawHttp http = new RawHttp(port)) {
            http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();

            group.close();
            group.close();

            assertThat(http.closedByServer()).isTrue();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aNodeOnACallersGroupLeavesTheGroupRunningAndRefusesToCloseFromItsOwnLoop() throws Exception {
        EventLoopGroup loops = DemoTransport.newGroup(1);
        try {
            DemoBackend backend = DemoBackend.start("solo", "127.0.0.1", 0, loops);

            assertThatThrownBy(() -> loops.submit(backend::close).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
            backend.close();

            assertThat(loops.isShuttingDown()).isFalse();
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
