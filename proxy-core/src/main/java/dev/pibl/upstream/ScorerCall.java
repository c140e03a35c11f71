package dev.pibl.upstream;

import dev.pibl.scoring.ScoreRequest;
import dev.pibl.scoring.ScorerException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One call of an {@link HttpScorer}: takes a connection from its event loop's pool or opens one,
 * sends the request, reads the answer, and completes its future once, with the score or with the
 * failure that came first (the deadline, a broken connection, a bad answer). The connection goes
 * back to the pool only after a complete, well-framed keep-alive answer; whatever else happened,
 * it is closed, so no connection is reused with an exchange outstanding.
 *
 * <p>Created by {@link HttpScorer#score}, on any thread; everything after {@link #start} runs on
 * the call's event loop.
 */
final class ScorerCall {

    private final HttpScorer scorer;
    private final ScoreRequest request;
    private final EventLoop loop;
    private final CompletableFuture<Double> future = new CompletableFuture<>();
    private ScorerConnections connections;
    private ScheduledFuture<?> deadline;
    /** The connection of the exchange under way (connecting, or lent to this call); null between attempts. */
    private Channel channel;
    private boolean reused;
    private boolean retried;
    private boolean done;

    ScorerCall(HttpScorer scorer, ScoreRequest request, EventLoop loop) {
        this.scorer = scorer;
        this.request = request;
        this.loop = loop;
    }

    CompletableFuture<Double> future() {
        return future;
    }

    /** Arms the deadline, which covers connecting too, and starts the exchange. */
    void start() {
        deadline = loop.schedule(this::timedOut, scorer.timeoutNanos(), TimeUnit.NANOSECONDS);
        connections = scorer.connections(loop);
        attempt(false);
    }

    /** Ends a call that could not even be started on its loop; on the caller's thread. */
    void abandon(String why) {
        finish(null, error(why));
    }

    /** With {@code fresh}, a new connection even when an idle one is at hand. */
    private void attempt(boolean fresh) {
        if (scorer.isClosed()) {
            finish(null, error("closed"));
            return;
        }
        Channel idle = fresh ? null : connections.pollIdle();
        if (idle != null) {
            reused = true;
            send(idle);
            return;
        }
        reused = false;
        ChannelFuture connect = connections.connect(scorer.address());
        channel = connect.channel();
        connect.addListener(f -> {
            if (loop.inEventLoop()) {
                connected(connect);
            } else {
                // A channel that could not even be created (out of file descriptors) fails its future
                // on the GlobalEventExecutor: come back to this loop.
                loop.execute(() -> connected(connect));
            }
        });
    }

    private void connected(ChannelFuture connect) {
        Channel ch = connect.channel();
        boolean mine = ch == channel && !done;
        if (!connect.isSuccess()) {
            closeQuietly(ch);
            if (mine) {
                channel = null;
                finish(null, error("cannot connect: " + message(connect.cause())));
            }
            return;
        }
        if (!scorer.adopt(ch)) {
            if (mine) {
                channel = null;
                finish(null, error("closed"));
            }
            return;
        }
        connections.track(ch);
        if (!mine) {
            connections.offer(ch); // the deadline passed while connecting; the connection is still good
            return;
        }
        send(ch);
    }

    private void send(Channel ch) {
        channel = ch;
        ScorerConnections.lend(ch, this);
        ch.writeAndFlush(scorer.protocol().request(request, ch.alloc())).addListener(f -> {
            if (!f.isSuccess()) {
                broken(ch, f.cause());
            }
        });
    }

    /** The answer arrived on {@code ch}, which is no longer lent to this call; consumes it. */
    void answered(Channel ch, FullHttpResponse response) {
        Double score = null;
        ScorerException failure = null;
        boolean reusable;
        try {
            if (ch != channel || done) {
                ch.close(); // not expected: the connection is unlent when the call ends
                return;
            }
            channel = null;
            reusable = response.decoderResult().isSuccess() && HttpUtil.isKeepAlive(response);
            if (response.decoderResult().isFailure()) {
                failure = error("unreadable answer: " + message(response.decoderResult().cause()));
            } else {
                try {
                    score = scorer.protocol().score(response);
                } catch (ScorerException e) {
                    failure = e;
                }
            }
        } finally {
            response.release();
        }
        // Back in the pool before the future completes, so a call its callback makes can use it.
        if (reusable) {
            connections.offer(ch);
        } else {
            ch.close();
        }
        finish(score, failure);
    }

    /**
     * {@code ch} closed or failed before the answer ({@code cause} null for a plain close). A
     * reused connection may have been closed by the service while idle, just as the request went
     * out (its keep-alive timeout), so that case is tried once more on a new connection: asking
     * for a score again does no harm.
     */
    void broken(Channel ch, Throwable cause) {
        if (ch != channel || done) {
            return;
        }
        channel = null;
        ScorerConnections.unlend(ch);
        ch.close();
        if (reused && !retried && (cause == null || cause instanceof IOException)) {
            retried = true;
            attempt(true);
            return;
        }
        finish(null, error(cause == null ? "connection closed before the answer" : describe(cause)));
    }

    private void timedOut() {
        if (done) {
            return;
        }
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ScorerConnections.unlend(ch);
            closeQuietly(ch); // a late answer must never be taken for the next call's
        }
        finish(null, new ScorerException(ScorerException.Kind.TIMEOUT, "timeout after " + scorer.timeoutText()));
    }

    private void finish(Double score, ScorerException failure) {
        if (done) {
            return;
        }
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        scorer.finished(failure);
        if (failure == null) {
            future.complete(score);
        } else {
            future.completeExceptionally(failure);
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return "answer too large";
        }
        return "connection failed: " + message(cause);
    }

    private static String message(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private static void closeQuietly(Channel ch) {
        if (ch.isRegistered()) {
            ch.close(); // one that never got onto the loop has nothing to close, and close() would throw
        }
    }

    private static ScorerException error(String message) {
        return new ScorerException(ScorerException.Kind.ERROR, message);
    }
}
