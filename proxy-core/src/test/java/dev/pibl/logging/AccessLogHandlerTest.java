package dev.pibl.logging;

import static dev.pibl.logging.AccessLogExchanges.request;
import static dev.pibl.logging.AccessLogExchanges.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.LoggingConfig;
import dev.pibl.http.RequestIds;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One line per exchange, in order, with the fields and ids users rely on. */
class AccessLogHandlerTest {

    private final List<String> lines = new ArrayList<>();
    private final List<String> batches = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00.042Z"), ZoneOffset.UTC);

    private EmbeddedChannel channel(LoggingConfig.Format format, LoggingConfig.Detail detail) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new AccessLogHandler(new AccessLog(format, detail, clock,
                batch -> {
                    batches.add(batch);
                    lines.addAll(List.of(batch.split("\n")));
                })));
        return ch;
    }

    @Test
    void pipelinedExchangesAreLoggedInOrderWithBytesDurationAndBackend() {
        EmbeddedChannel ch = channel(LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY);
        ch.writeInbound(request("/one", "abc"), request("/two", ""));
        FullHttpRequest first = ch.readInbound();
        FullHttpRequest second = ch.readInbound();
        String firstId = first.headers().get(RequestIds.HEADER);
        AccessLogHandler log = ch.pipeline().get(AccessLogHandler.class);
        log.noteBackend("node-1");
        ch.advanceTimeBy(1500, TimeUnit.MICROSECONDS);
        log.noteUpstream(TimeUnit.MICROSECONDS.toNanos(1200));
        ch.writeOutbound(response(HttpResponseStatus.OK, "hello"), response(HttpResponseStatus.NOT_FOUND, ""));
        ch.runPendingTasks();
        assertThat(batches).as("both lines of one loop iteration travel together").hasSize(1);
        assertThat(lines).containsExactly(
                "2026-11-22T10:00:00.042Z " + firstId + " embedded \"POST /one HTTP/1.1\" 200 3 5 1.500ms backend=node-1 upstream=1.200ms",
                "2026-11-22T10:00:00.042Z " + second.headers().get(RequestIds.HEADER)
                        + " embedded \"POST /two HTTP/1.1\" 404 0 0 1.500ms backend=- upstream=-");
        first.release();
        second.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void theScoringPartSaysScoreTierModelAndTellsTheObserverHowItEnded() {
        EmbeddedChannel ch = channel(LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY);
        AccessLogHandler log = ch.pipeline().get(AccessLogHandler.class);
        List<String> outcomes = new ArrayList<>();
        // Each request's note is taken as it arrives, and filled in later (after the next came).
        ch.writeInbound(request("/one", "abc"));
        ScoreNote one = log.noteScoring();
        ch.writeInbound(request("/two", ""));
        ScoreNote two = log.noteScoring();
        one.clientKey("embedded").decision(0.2, "trusted", false, "m1")
                .observer((status, in, out, hit, byProxy) -> outcomes.add("one " + status + " " + in + " " + out
                        + " " + hit + " " + byProxy));
        two.clientKey("198.51.100.7").decision(Double.NaN, "trusted", true, null).shadow(Double.NaN)
                .observer((status, in, out, hit, byProxy) -> outcomes.add("two " + status + " " + in + " " + out
                        + " " + hit + " " + byProxy));
        log.noteBackend("node-1");
        ch.writeOutbound(response(HttpResponseStatus.OK, "hello"));
        ch.writeOutbound(response(HttpResponseStatus.TOO_MANY_REQUESTS, "no"));
        ch.runPendingTasks();
        assertThat(outcomes).containsExactly("one 200 3 5 false false", "two 429 0 2 false true");
        assertThat(lines.get(0)).endsWith(" backend=node-1 upstream=- score=0.200 tier=trusted model=m1");
        assertThat(lines.get(1)).endsWith(" key=198.51.100.7 score=- tier=trusted(fallback) model=- shadow=-");
        ReferenceCountUtil.release(ch.readInbound());
        ReferenceCountUtil.release(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void aScoredLineShowsTheScoreWithThreeDecimals() {
        EmbeddedChannel ch = channel(LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY);
        ch.writeInbound(request("/", ""));
        ch.pipeline().get(AccessLogHandler.class).noteScoring().clientKey("embedded")
                .decision(0.98765, "abusive", false, "behaviour-handset-1");
        ch.writeOutbound(response(HttpResponseStatus.OK, ""));
        ch.runPendingTasks();
        assertThat(lines.get(0)).endsWith(" score=0.988 tier=abusive model=behaviour-handset-1");
        ReferenceCountUtil.release(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void interimResponsesDoNotEndTheExchange() {
        EmbeddedChannel ch = channel(LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY);
        ch.writeInbound(request("/", ""));
        ReferenceCountUtil.release(ch.readInbound());
        ch.writeOutbound(response(HttpResponseStatus.CONTINUE, ""));
        assertThat(lines).isEmpty();
        ch.writeOutbound(response(HttpResponseStatus.OK, ""));
        assertThat(lines).singleElement().asString().contains("\" 200 ");
        ch.finishAndReleaseAll();
    }

    @Test
    void anExchangeCutByTheClientIsLoggedAs499() {
        EmbeddedChannel ch = channel(LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY);
        ch.writeInbound(request("/gone", ""));
        ReferenceCountUtil.release(ch.readInbound());
        ch.close();
        assertThat(lines).singleElement().asString().contains("\"POST /gone HTTP/1.1\" 499").endsWith("aborted=client-closed");
        ch.finishAndReleaseAll();
    }

    @Test
    void headersShowBothSidesAndRedactCredentials() {
        EmbeddedChannel ch = channel(LoggingConfig.Format.TEXT, LoggingConfig.Detail.HEADERS);
        ch.writeInbound(request("/q?a=\"x\"", ""));
        ReferenceCountUtil.release(ch.readInbound());
        DefaultFullHttpResponse res = response(HttpResponseStatus.OK, "");
        res.headers().set("Set-Cookie", "sid=1").set("X-Backend", "node-2");
        ch.writeOutbound(res);
        ch.runPendingTasks();
        assertThat(lines).singleElement().asString()
                .contains("\"POST /q?a=\\\"x\\\" HTTP/1.1\" 200 ")
                .contains(" req_headers=\"Host: a\\nAuthorization: <redacted>\\nx-request-id: ")
                .contains(" resp_headers=\"Set-Cookie: <redacted>\\nX-Backend: node-2\"")
                .doesNotContain("secret", "sid=1");
        ch.finishAndReleaseAll();
    }
}
