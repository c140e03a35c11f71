package dev.pibl.app.simulate;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * One simulated client at run time: sends its schedule's requests when they are due, over
 * keep-alive connections bound to its own source address, one request per connection at a time
 * and at most {@link ClientPlan#connections()} connections, so never more than that many
 * requests in flight. A request due while all are busy waits for the next answer: a slow target
 * slows the client down instead of piling requests up. Confined to its event loop.
 */
final class SimClient {

    /** The largest answer read; the demo site's biggest asset is 100 KiB. */
    private static final int MAX_RESPONSE_BYTES = 4 << 20;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final ClientPlan plan;
    private final SimRun run;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final InetSocketAddress local;
    private final Iterator<PlannedRequest> schedule;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final Set<Channel> open = new HashSet<>();
    final ClientStats stats = new ClientStats();

    private PlannedRequest next;
    private int inFlight;
    private ScheduledFuture<?> timer;
    private boolean stopping;
    private boolean finished;

    SimClient(ClientPlan plan, SimRun run, EventLoop loop, Class<? extends SocketChannel> channelClass) {
        this.plan = requireNonNull(plan, "plan");
        this.run = requireNonNull(run, "run");
        this.loop = requireNonNull(loop, "loop");
        this.local = new InetSocketAddress(plan.sourceAddress(), 0);
        this.schedule = plan.schedule();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                                new Exchange());
                    }
                });
    }

    ClientPlan plan() {
        return plan;
    }

    void start() {
        loop.execute(() -> {
            next = schedule.hasNext() ? schedule.next() : null;
            pump();
        });
    }

    /** Sends nothing more; ends once the answers in flight are in. Any thread. */
    void stop() {
        loop.execute(() -> {
            stopping = true;
            pump();
        });
    }

    /** Ends now: open connections close and what was in flight counts as closed. Any thread. */
    void abort() {
        loop.execute(() -> {
            stopping = true;
            for (Channel ch : new ArrayList<>(open)) {
                ch.close();
            }
            finish();
        });
    }

    /** How far behind its plan this client runs; every later request moves by as much. */
    private long lateNanos;

    /** Sends whatever is due, while a connection is free; then waits for a timer or an answer. */
    private void pump() {
        if (finished) {
            return;
        }
        while (!stopping && next != null) {
            long now = run.elapsedNanos();
            if (now >= run.endNanos()) {
                stopping = true;
                break;
            }
            long due = next.atNanos() + lateNanos;
            if (due > now) {
                arm(due - now);
                break;
            }
            if (inFlight >= plan.connections()) {
                break; // an answer brings us back
            }
            if (!run.takeRequest()) {
                stopping = true;
                break;
            }
            // Sent late (slow answers, a busy machine): the rest of the schedule moves by as much,
            // as a person or a program waiting for an answer would, rather than catching up in a
            // burst that would look like a flood in the features recorded.
            lateNanos += now - due;
            send(next);
            next = schedule.hasNext() ? schedule.next() : null;
        }
        if ((stopping || next == null) && inFlight == 0) {
            finish();
        }
    }

    private void arm(long delayNanos) {
        if (timer == null) {
            timer = loop.schedule(() -> {
                timer = null;
                pump();
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void send(PlannedRequest planned) {
        inFlight++;
        stats.requests++;
        Channel ch = pollIdle();
        if (ch != null) {
            write(ch, planned);
            return;
        }
        stats.connections++;
        ChannelFuture connect = bootstrap.connect(run.target(), local);
        Channel fresh = connect.channel();
        open.add(fresh);
        fresh.closeFuture().addListener(f -> {
            open.remove(fresh);
            idle.remove(fresh);
        });
        connect.addListener(f -> {
            if (f.isSuccess()) {
                write(fresh, planned);
            } else {
                stats.connectErrors++;
                ended(planned, -1, null);
            }
        });
    }

    private void write(Channel ch, PlannedRequest planned) {
        Exchange exchange = ch.pipeline().get(Exchange.class);
        exchange.begin(planned);
        FullHttpRequest request = Requests.build(plan, planned, run.host(), ch.alloc());
        // A failed write closes the connection, and the Exchange reports the request as closed.
        ch.writeAndFlush(request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private Channel pollIdle() {
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** An exchange is over: {@code status} -1 when it failed; {@code ch} goes back to idle if it may. */
    private void ended(PlannedRequest planned, int status, Channel ch) {
        inFlight--;
        if (status > 0) {
            stats.status(status);
        }
        run.observer().exchanged(plan, planned, status, ch == null ? null : (InetSocketAddress) ch.localAddress());
        pump();
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        for (Channel ch : new ArrayList<>(open)) {
            ch.close();
        }
        run.finished(this);
    }

    /** The one exchange in progress on a connection; reads the whole answer, then releases it. */
    private final class Exchange extends ChannelInboundHandlerAdapter {

        private ChannelHandlerContext ctx;
        private PlannedRequest pending;
        private ScheduledFuture<?> deadline;
        private boolean timedOut;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void begin(PlannedRequest planned) {
            pending = planned;
            timedOut = false;
            deadline = loop.schedule(() -> {
                if (pending != null) {
                    timedOut = true;
                    ctx.close();
                }
            }, run.responseTimeoutNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpResponse response) || pending == null) {
                // Nothing was asked on this connection: whatever this is, the connection cannot be trusted.
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            int status = response.status().code();
            boolean keepAlive = HttpUtil.isKeepAlive(response) && response.decoderResult().isSuccess();
            response.release();
            PlannedRequest planned = take();
            if (keepAlive && !finished) {
                idle.addLast(ctx.channel());
            } else {
                ctx.close();
            }
            ended(planned, status, ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            boolean timeout = timedOut;
            PlannedRequest planned = take();
            if (planned != null) {
                if (timeout) {
                    stats.timeouts++;
                } else {
                    stats.closed++;
                }
                ended(planned, -1, ctx.channel());
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset or a malformed answer: the exchange fails in channelInactive.
            ctx.close();
        }

        private PlannedRequest take() {
            PlannedRequest planned = pending;
            pending = null;
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
            return planned;
        }
    }
}
