package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.scoring.Features;
import dev.pibl.scoring.ScoreRequest;
import dev.pibl.scoring.ScorerException;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the http scorer's tests share: one NIO event loop that stands for a client connection's,
 * a fake clock for the circuit breaker, settings with room to spare, and calls made on the loop as
 * the proxy makes them. {@link #close()} closes the scorers it made and shuts the loop down.
 */
final class ScorerFixture implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("scorer-loop"),
            NioIoHandler.newFactory());
    final EventLoop loop = group.next();
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<HttpScorer> scorers = new ArrayList<>();

    /** GET with {@code ip}, field {@code score}; 5 s timeout; 16 in flight; 3 failures open the circuit for 10 s. */
    static HttpScorer.Settings settings(URI url) {
        return new HttpScorer.Settings(url, HttpScorer.Method.GET, "ip", "score", Duration.ofSeconds(5), 16, 3,
                Duration.ofSeconds(10));
    }

    static HttpScorer.Settings withTimeout(HttpScorer.Settings s, Duration timeout) {
        return new HttpScorer.Settings(s.url(), s.method(), s.queryParameter(), s.scoreField(), timeout,
                s.maxConcurrent(), s.circuitFailures(), s.circuitOpenFor());
    }

    HttpScorer scorer(HttpScorer.Settings settings) {
        HttpScorer scorer = new HttpScorer(settings, NioSocketChannel.class, nanos::get);
        scorers.add(scorer);
        return scorer;
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    static ScoreRequest request(String ip, EventLoop loop) {
        return new ScoreRequest(ip, ip, new double[Features.COUNT], loop);
    }

    /** Asks for a score on the loop, as a client connection's handler does; the stage as returned. */
    CompletableFuture<Double> call(HttpScorer scorer, ScoreRequest request) {
        try {
            return loop.submit(() -> scorer.score(request).toCompletableFuture()).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    CompletableFuture<Double> call(HttpScorer scorer, String ip) {
        return call(scorer, request(ip, loop));
    }

    double score(HttpScorer scorer, String ip) {
        return call(scorer, ip).orTimeout(10, TimeUnit.SECONDS).join();
    }

    ScorerException failure(HttpScorer scorer, String ip) {
        return failureOf(call(scorer, ip));
    }

    /** The ScorerException {@code f} completes with; fails the test if it completes otherwise. */
    static ScorerException failureOf(CompletableFuture<Double> f) {
        try {
            Double score = f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got the score " + score);
        } catch (ExecutionException | CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(ScorerException.class);
            return (ScorerException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        scorers.forEach(HttpScorer::close);
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
