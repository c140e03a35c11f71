package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.TrustedProxies;
import dev.pibl.scoring.ClientKeys;
import dev.pibl.scoring.ClientTracker;
import dev.pibl.scoring.Decision;
import dev.pibl.scoring.Features;
import dev.pibl.scoring.ScoreRequest;
import dev.pibl.scoring.Scorer;
import dev.pibl.scoring.ScoringService;
import dev.pibl.scoring.Tier;
import dev.pibl.scoring.TierAction;
import dev.pibl.scoring.Tiers;
import dev.pibl.scoring.UserAgents;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scoring stage on its own: requests go on with their decision, in order, and wait at most the deadline. */
class ScoringHandlerTest {

    private final Tiers tiers = new Tiers(List.of(
            new Tier(0, "trusted", 0, 0.5, TierAction.ROUTE, List.of("a"), null, Duration.ofSeconds(1)),
            new Tier(1, "restricted", 0.5, 1, TierAction.ROUTE, List.of("b"), null, Duration.ofSeconds(1))), 0);
    private final CompletableFuture<Double> answer = new CompletableFuture<>();
    private final Scorer slow = new Scorer() {
        @Override
        public String kind() {
            return "test";
        }

        @Override
        public String version() {
            return "slow-1";
        }

        @Override
        public CompletionStage<Double> score(ScoreRequest request) {
            return answer;
        }
    };
    private final ScoringService service = new ScoringService(
            new ClientTracker(100, Duration.ofMinutes(1), new UserAgents(), System::nanoTime), slow, null, tiers,
            tiers.byName("trusted"), Duration.ofSeconds(1), 10, Duration.ofSeconds(30), Duration.ofMillis(50));
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new ScoringHandler(service, new ClientKeys(TrustedProxies.none(), 32, 64, ClientKeys.Header.X_FORWARDED_FOR)));

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private static HttpRequest get(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    @Test
    void pipelinedRequestsWaitForTheFirstScoreAndGoOnInOrder() {
        channel.writeInbound(get("/a"), LastHttpContent.EMPTY_LAST_CONTENT, get("/b"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat((Object) channel.readInbound()).as("held while the score is on its way").isNull();
        assertThat(channel.config().isAutoRead()).isFalse();

        answer.complete(0.8);
        channel.runPendingTasks();
        HttpRequest first = channel.readInbound();
        assertThat(first.uri()).isEqualTo("/a");
        Decision decision = ScoredRequest.decisionOf(first);
        assertThat(decision.tier().name()).isEqualTo("restricted");
        assertThat(decision.score()).isEqualTo(0.8);
        assertThat((Object) channel.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        HttpRequest second = channel.readInbound();
        assertThat(second.uri()).isEqualTo("/b");
        assertThat(ScoredRequest.decisionOf(second).tier().name()).isEqualTo("restricted");
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aRequestWaitsNoLongerThanTheDeadlineThenTakesTheFallbackTier() {
        channel.writeInbound(get("/a"), LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat((Object) channel.readInbound()).isNull();
        channel.advanceTimeBy(50, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        HttpRequest request = channel.readInbound();
        Decision decision = ScoredRequest.decisionOf(request);
        assertThat(decision.tier().name()).isEqualTo("trusted");
        assertThat(decision.fallbackReason()).isEqualTo("no score within 50ms");
        // The score arriving later changes nothing for this request, and is there for the next.
        answer.complete(0.8);
        channel.runPendingTasks();
        assertThat((Object) channel.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(get("/b"));
        assertThat(ScoredRequest.decisionOf(channel.readInbound()).tier().name()).isEqualTo("restricted");
    }

    @Test
    void aUserEventKeepsItsPlaceBehindARequestWaitingForItsScore() {
        Object drain = new Object();
        List<Object> seen = new ArrayList<>();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                seen.add(msg);
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                seen.add(evt);
            }
        });
        channel.writeInbound(get("/a"), LastHttpContent.EMPTY_LAST_CONTENT);
        channel.pipeline().fireUserEventTriggered(drain);
        assertThat(seen).isEmpty();
        answer.complete(0.1);
        channel.runPendingTasks();
        assertThat(seen).hasSize(3);
        assertThat(seen.get(0)).isInstanceOf(ScoredRequest.class);
        assertThat(seen.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(seen.get(2)).isSameAs(drain);
    }

    @Test
    void heldMessagesAreReleasedWhenTheConnectionCloses() {
        DefaultLastHttpContent body = new DefaultLastHttpContent(Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
        channel.writeInbound(get("/a"), body);
        assertThat(body.refCnt()).as("held").isEqualTo(1);
        channel.close();
        assertThat(body.refCnt()).as("released on close").isZero();
        double[] features = new double[Features.COUNT];
        service.clients().find("127.0.0.1").features(System.nanoTime(), features);
        assertThat(features[Features.CONNECTIONS]).as("the closed connection no longer counts").isZero();
    }
}
