package dev.pibl.logging;

import static dev.pibl.logging.AccessLogExchanges.request;
import static dev.pibl.logging.AccessLogExchanges.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.pibl.config.LoggingConfig;
import dev.pibl.http.RequestIds;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JSON format's events: one per exchange, as it completes, with the text line's fields under
 * their JSON names, numbers as numbers, unknown values left out. The application's encoder turns
 * them into lines (proxy-app's AccessLogJsonFileTest checks those).
 */
class AccessLogJsonFieldsTest {

    private final List<Map<String, Object>> events = new ArrayList<>();

    private EmbeddedChannel channel(LoggingConfig.Detail detail) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new AccessLogHandler(AccessLog.json(detail, events::add)));
        return ch;
    }

    @Test
    void aProxiedExchangeIsOneEventWithTheTextLinesFieldsInOrder() {
        EmbeddedChannel ch = channel(LoggingConfig.Detail.SUMMARY);
        ch.writeInbound(request("/one", "abc"));
        FullHttpRequest forwarded = ch.readInbound();
        AccessLogHandler log = ch.pipeline().get(AccessLogHandler.class);
        log.noteBackend("node-1");
        ch.advanceTimeBy(1500, TimeUnit.MICROSECONDS);
        log.noteUpstream(TimeUnit.MICROSECONDS.toNanos(1200));
        DefaultFullHttpResponse res = response(HttpResponseStatus.OK, "hello");
        res.headers().set("X-Cache", "MISS");
        ch.writeOutbound(res);
        assertThat(events).as("one event for the exchange").singleElement()
                .isEqualTo(Map.ofEntries(
                        entry("request_id", forwarded.headers().get(RequestIds.HEADER)),
                        entry("client", "embedded"),
                        entry("method", "POST"),
                        entry("uri", "/one"),
                        entry("protocol", "HTTP/1.1"),
                        entry("status", 200),
                        entry("bytes_in", 3L),
                        entry("bytes_out", 5L),
                        entry("duration_ms", new BigDecimal("1.500")),
                        entry("backend", "node-1"),
                        entry("upstream_ms", new BigDecimal("1.200")),
                        entry("cache", "MISS")));
        assertThat(events.get(0).keySet()).containsExactly("request_id", "client", "method", "uri", "protocol",
                "status", "bytes_in", "bytes_out", "duration_ms", "backend", "upstream_ms", "cache");
        forwarded.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void unknownValuesAreLeftOutNotWrittenAsNull() {
        EmbeddedChannel ch = channel(LoggingConfig.Detail.SUMMARY);
        // A 408 for a half-sent head: no request line, no backend, no upstream time.
        DefaultFullHttpResponse timeout = response(HttpResponseStatus.REQUEST_TIMEOUT, "slow");
        timeout.headers().set(RequestIds.HEADER, "5f0c1a0000000007");
        ch.writeOutbound(timeout);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e).containsEntry("request_id", "5f0c1a0000000007").containsEntry("status", 408)
                    .containsEntry("bytes_out", 4L);
            assertThat(e).doesNotContainKeys("method", "uri", "protocol", "backend", "upstream_ms", "cache", "tier")
                    .doesNotContainValue(null);
        });
        ch.finishAndReleaseAll();
    }

    @Test
    void scoringFieldsAndAnAbortedExchange() {
        EmbeddedChannel ch = channel(LoggingConfig.Detail.SUMMARY);
        AccessLogHandler log = ch.pipeline().get(AccessLogHandler.class);
        ch.writeInbound(request("/one", ""));
        log.noteScoring().clientKey("embedded").decision(0.98765, "abusive", false, "m1");
        ch.writeInbound(request("/two", ""));
        log.noteScoring().clientKey("198.51.100.7").decision(Double.NaN, "trusted", true, null).shadow(0.25);
        ch.writeOutbound(response(HttpResponseStatus.FORBIDDEN, ""));
        ch.close();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).containsEntry("score", new BigDecimal("0.988")).containsEntry("tier", "abusive")
                .containsEntry("tier_fallback", false).containsEntry("model", "m1")
                .doesNotContainKeys("client_key", "shadow_score", "aborted");
        assertThat(events.get(1)).containsEntry("client_key", "198.51.100.7").containsEntry("tier", "trusted")
                .containsEntry("tier_fallback", true).containsEntry("shadow_score", new BigDecimal("0.250"))
                .containsEntry("status", 499).containsEntry("aborted", "client-closed")
                .doesNotContainKeys("score", "model");
        ReferenceCountUtil.release(ch.readInbound());
        ReferenceCountUtil.release(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void headersAreObjectsByLowerCaseNameWithCredentialsRedacted() {
        EmbeddedChannel ch = channel(LoggingConfig.Detail.HEADERS);
        FullHttpRequest req = request("/", "");
        req.headers().add("Accept", "text/html").add("accept", "*/*").add("Cookie", "sid=1");
        ch.writeInbound(req);
        ReferenceCountUtil.release(ch.readInbound());
        DefaultFullHttpResponse res = response(HttpResponseStatus.OK, "");
        res.headers().add("Set-Cookie", "a=1").add("Set-Cookie", "b=2").set("X-Backend", "node-2");
        ch.writeOutbound(res);
        Map<String, Object> e = events.get(0);
        assertThat(e.keySet()).endsWith("request_headers", "response_headers");
        @SuppressWarnings("unchecked")
        Map<String, String> request = (Map<String, String>) e.get("request_headers");
        assertThat(request).containsEntry("host", "a").containsEntry("authorization", "<redacted>")
                .containsEntry("accept", "text/html, */*").containsEntry("cookie", "<redacted>")
                .containsKey("x-request-id");
        assertThat(e.get("response_headers")).isEqualTo(Map.of("set-cookie", "<redacted>, <redacted>",
                "x-backend", "node-2"));
        assertThat(e.toString()).doesNotContain("secret", "sid=1", "a=1");
        ch.finishAndReleaseAll();
    }
}
