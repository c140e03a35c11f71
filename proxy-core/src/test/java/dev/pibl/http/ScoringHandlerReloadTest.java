package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.config.LoggingConfig;
import dev.pibl.config.TrustedProxies;
import dev.pibl.logging.AccessLog;
import dev.pibl.logging.AccessLogHandler;
import dev.pibl.scoring.ClientActivity;
import dev.pibl.scoring.ClientKeys;
import dev.pibl.scoring.ClientTracker;
import dev.pibl.scoring.Features;
import dev.pibl.scoring.ScoreRequest;
import dev.pibl.scoring.Scorer;
import dev.pibl.scoring.ScoringService;
import dev.pibl.scoring.Tier;
import dev.pibl.scoring.TierAction;
import dev.pibl.scoring.Tiers;
import dev.pibl.scoring.UserAgents;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scoring stage when a reload turns score balancing off between two requests on one connection. */
class ScoringHandlerReloadTest {

    private final Tiers tiers = new Tiers(List.of(
            new Tier(0, "trusted", 0, 0.5, TierAction.ROUTE, List.of("a"), null, Duration.ofSeconds(1)),
            new Tier(1, "restricted", 0.5, 1, TierAction.ROUTE, List.of("b"), null, Duration.ofSeconds(1))), 0);
    private final Scorer instant = new Scorer() {
        @Override
        public String kind() {
            return "test";
        }

        @Override
        public String version() {
            return "instant-1";
        }

        @Override
        public CompletionStage<Double> score(ScoreRequest request) {
            return CompletableFuture.completedFuture(0.1);
        }
    };
    private final ScoringService service = new ScoringService(
            new ClientTracker(100, Duration.ofMinutes(1), new UserAgents(), System::nanoTime), instant, null, tiers,
            tiers.byName("trusted"), Duration.ofSeconds(1), 10, Duration.ofSeconds(30), Duration.ofMillis(50));
    private final ClientKeys keys = new ClientKeys(TrustedProxies.none(), 32, 64, ClientKeys.Header.X_FORWARDED_FOR);
    private final AtomicReference<ScoringHandler.Source> live =
            new AtomicReference<>(ScoringHandler.sourceOf(service, keys));
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new AccessLogHandler(AccessLog.json(LoggingConfig.Detail.SUMMARY, event -> { })),
            new ScoringHandler(live::get));

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aRequestScoredBeforeTheReloadEndsWellAndTheNextOnePassesUnscored() {
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/missing"));
        Object first = channel.readInbound();
        assertThat(first).isInstanceOf(ScoredRequest.class);
        ReferenceCountUtil.release(first);

        live.set(null); // a reload: the policy is round-robin now
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/next"));
        Object second = channel.readInbound();
        assertThat(second).isInstanceOf(HttpRequest.class).isNotInstanceOf(ScoredRequest.class);

        // The first request's response ends after the switch: the service that scored it hears of it.
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND));
        channel.writeOutbound(new DefaultLastHttpContent(Unpooled.copiedBuffer(new byte[] {1, 2, 3})));
        assertThat(channel.isActive()).isTrue();
        Object head = channel.readOutbound();
        Object last = channel.readOutbound();
        assertThat(last).isInstanceOf(LastHttpContent.class);
        ReferenceCountUtil.release(head);
        ReferenceCountUtil.release(last);
        ClientActivity client = service.clients().find(ClientKeys.text(java.net.InetAddress.getLoopbackAddress()));
        double[] features = new double[Features.COUNT];
        client.features(System.nanoTime(), features);
        assertThat(features[Features.NOT_FOUND_RATIO]).isEqualTo(1.0);
    }
}
