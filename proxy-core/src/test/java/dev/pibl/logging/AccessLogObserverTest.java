package dev.pibl.logging;

import static dev.pibl.logging.AccessLogExchanges.request;
import static dev.pibl.logging.AccessLogExchanges.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.LoggingConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exchange observer (metrics) hears of each exchange once, with what its log line says. */
class AccessLogObserverTest {

    /** A copy of what the observer was told: the view is only valid during the call. */
    private record Seen(String requestId, String method, String uri, int status, String backend, long durationNanos,
            long upstreamHeadNanos, long bytesIn, long bytesOut, String aborted, String failure) {
    }

    private final List<Seen> seen = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new AccessLogHandler(
                new AccessLog(LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY, Clock.systemUTC(),
                        batch -> lines.addAll(List.of(batch.split("\n")))),
                x -> seen.add(new Seen(x.requestId(), x.method(), x.uri(), x.status(), x.backend(), x.durationNanos(),
                        x.upstreamHeadNanos(), x.bytesIn(), x.bytesOut(), x.aborted(), x.failure()))));
        return ch;
    }

    @Test
    void eachExchangeIsObservedOnceWithItsFields() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(request("/one", "abc"));
        FullHttpRequest in = ch.readInbound();
        AccessLogHandler log = ch.pipeline().get(AccessLogHandler.class);
        log.noteBackend("node-1");
        ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        log.noteResponseHead(TimeUnit.MILLISECONDS.toNanos(1));
        log.noteFailure("could not connect to backend node-1");
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY,
                Unpooled.copiedBuffer("no", StandardCharsets.UTF_8)));
        ch.runPendingTasks();

        assertThat(seen).containsExactly(new Seen(lines.get(0).split(" ")[1], "POST", "/one", 502, "node-1",
                TimeUnit.MILLISECONDS.toNanos(2), TimeUnit.MILLISECONDS.toNanos(1), 3, 2, null,
                "could not connect to backend node-1"));
        in.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void anExchangeCutByTheClientIsObservedAsAborted() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(request("/gone", ""));
        FullHttpRequest in = ch.readInbound();
        ch.close();

        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(499);
            assertThat(s.aborted()).isEqualTo("client-closed");
            assertThat(s.backend()).isNull();
            assertThat(s.upstreamHeadNanos()).isEqualTo(-1);
        });
        in.release();
        ch.finishAndReleaseAll();
    }
}
