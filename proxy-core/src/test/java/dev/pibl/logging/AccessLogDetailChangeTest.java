package dev.pibl.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.LoggingConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link AccessLog#setDetail}, as a reload calls it: exchanges that start afterwards follow it; one
 * in progress keeps the detail it started with, so its line never shows one side's headers only.
 */
class AccessLogDetailChangeTest {

    private final List<String> lines = new ArrayList<>();

    private static DefaultFullHttpRequest request(String uri) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set("Host", "a");
        return r;
    }

    private static DefaultFullHttpResponse response() {
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        r.headers().set("X-Backend", "node-1");
        return r;
    }

    private EmbeddedChannel channel(AccessLog log) {
        EmbeddedChannel ch = new EmbeddedChannel(new AccessLogHandler(log));
        ch.freezeTime();
        return ch;
    }

    /** One exchange on {@code ch}, with {@code between} run after the request and before the response. */
    private static void exchange(EmbeddedChannel ch, String uri, Runnable between) {
        ch.writeInbound(request(uri));
        ReferenceCountUtil.release(ch.readInbound());
        between.run();
        ch.writeOutbound(response());
        ch.runPendingTasks();
    }

    @Test
    void theNextExchangeAfterSummaryToHeadersLogsHeaders() {
        AccessLog log = new AccessLog(LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY, Clock.systemUTC(),
                batch -> lines.addAll(List.of(batch.split("\n"))));
        EmbeddedChannel ch = channel(log);
        exchange(ch, "/before", () -> { });
        log.setDetail(LoggingConfig.Detail.HEADERS);
        exchange(ch, "/after", () -> { });
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("/before").doesNotContain("req_headers", "resp_headers");
        assertThat(lines.get(1)).contains("/after", " req_headers=\"Host: a\\nx-request-id: ",
                " resp_headers=\"X-Backend: node-1\"");
        ch.finishAndReleaseAll();
    }

    @Test
    void anExchangeInProgressKeepsTheDetailItStartedWith() {
        AccessLog log = new AccessLog(LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY, Clock.systemUTC(),
                batch -> lines.addAll(List.of(batch.split("\n"))));
        EmbeddedChannel ch = channel(log);
        exchange(ch, "/began-summary", () -> log.setDetail(LoggingConfig.Detail.HEADERS));
        exchange(ch, "/began-headers", () -> log.setDetail(LoggingConfig.Detail.SUMMARY));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("/began-summary").doesNotContain("req_headers", "resp_headers");
        assertThat(lines.get(1)).contains("/began-headers", " req_headers=", " resp_headers=");
        ch.finishAndReleaseAll();
    }

    @Test
    void theJsonFormatFollowsItToo() {
        List<Map<String, Object>> events = new ArrayList<>();
        AccessLog log = AccessLog.json(LoggingConfig.Detail.HEADERS, events::add);
        EmbeddedChannel ch = channel(log);
        exchange(ch, "/a", () -> log.setDetail(LoggingConfig.Detail.SUMMARY));
        exchange(ch, "/b", () -> { });
        assertThat(events.get(0)).containsKeys("request_headers", "response_headers");
        assertThat(events.get(1)).doesNotContainKeys("request_headers", "response_headers");
        ch.finishAndReleaseAll();
    }
}
