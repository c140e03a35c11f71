package dev.pibl.upstream;

import static java.util.Objects.requireNonNull;

import dev.pibl.balance.Backend;
import dev.pibl.balance.HealthRegistry;
import dev.pibl.config.HealthConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Active health checks: every {@code interval}, a {@code GET <path>} to each backend on a fresh
 * connection (so a check says nothing about pooled connections and never disturbs them), judged
 * by its status, the response read to its end (the body discarded as it arrives) within
 * {@code timeout}; the verdicts go to the {@link HealthRegistry}. Each
 * backend's checks run on one event loop, one at a time. Created and closed from a plain thread.
 */
public final class HealthChecker implements AutoCloseable {

    private final List<ScheduledFuture<?>> schedules = new ArrayList<>();

    private HealthChecker() {
    }

    /** Starts checking every backend; the first checks run at once. */
    public static HealthChecker start(List<Backend> backends, HealthConfig.ActiveCheck config, HealthRegistry registry,
            EventLoopGroup group, Class<? extends Channel> channelClass) {
        requireNonNull(config, "config");
        requireNonNull(registry, "registry");
        HealthChecker checker = new HealthChecker();
        long interval = config.interval().toNanos();
        for (Backend backend : backends) {
            EventLoop loop = group.next();
            Check check = new Check(backend, config, registry, loop, channelClass);
            checker.schedules.add(loop.scheduleAtFixedRate(check::run, 0, interval, TimeUnit.NANOSECONDS));
        }
        return checker;
    }

    @Override
    public void close() {
        schedules.forEach(s -> s.cancel(false));
    }

    /** The checks of one backend; confined to one event loop. */
    private static final class Check {
        private final Backend backend;
        private final HealthConfig.ActiveCheck config;
        private final HealthRegistry registry;
        private final EventLoop loop;
        private final Bootstrap bootstrap;
        private boolean running;

        Check(Backend backend, HealthConfig.ActiveCheck config, HealthRegistry registry, EventLoop loop,
                Class<? extends Channel> channelClass) {
            this.backend = backend;
            this.config = config;
            this.registry = registry;
            this.loop = loop;
            this.bootstrap = new Bootstrap().group(loop).channel(channelClass)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, config.timeout().toMillis()))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new Verdict());
                        }
                    });
        }

        void run() {
            if (running) {
                return; // the previous check is still under way: never pile them up
            }
            running = true;
            ChannelFuture connect = bootstrap.connect(backend.address());
            Channel ch = connect.channel();
            ScheduledFuture<?> timeout = loop.schedule(() -> finish(ch, false), config.timeout().toNanos(),
                    TimeUnit.NANOSECONDS);
            ch.closeFuture().addListener(f -> timeout.cancel(false));
            connect.addListener(f -> {
                if (loop.inEventLoop()) {
                    connected(ch, f.isSuccess());
                } else {
                    // A channel that could not even be created or registered (out of file descriptors)
                    // fails its future at once on the GlobalEventExecutor: come back to this loop.
                    loop.execute(() -> connected(ch, f.isSuccess()));
                }
            });
        }

        private void connected(Channel ch, boolean success) {
            if (!success) {
                finish(ch, false);
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, config.path(),
                    Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, backend.hostHeader())
                    .set(HttpHeaderNames.USER_AGENT, "pibl-health-check")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ch.writeAndFlush(request);
        }

        /** Records the verdict of the check on {@code ch}, once; on the check's loop. */
        private void finish(Channel ch, boolean ok) {
            if (ch.attr(DONE).setIfAbsent(Boolean.TRUE) != null) {
                return; // the timeout, a close and the response can each try to finish a check
            }
            running = false;
            if (ch.isRegistered()) {
                ch.close(); // one that never got onto the loop has nothing to close, and close() would throw
            }
            registry.onActiveCheck(backend, ok);
        }

        /**
         * Judges a check by the status of its final response, read to the response's end. The body
         * says nothing and may be of any size, so each part is released as it arrives (the base class
         * releases every message) rather than aggregated. One per check connection; its event loop.
         */
        private final class Verdict extends SimpleChannelInboundHandler<HttpObject> {
            private int status; // of the final (non-1xx) response; 0 until its head arrives

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                if (msg.decoderResult().isFailure()) {
                    finish(ctx.channel(), false);
                    return;
                }
                if (msg instanceof HttpResponse response && response.status().code() >= 200) {
                    status = response.status().code();
                }
                if (msg instanceof LastHttpContent && status != 0) {
                    finish(ctx.channel(), status >= config.statusFrom() && status <= config.statusTo());
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                finish(ctx.channel(), false);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                finish(ctx.channel(), false);
            }
        }
    }

    private static final io.netty.util.AttributeKey<Boolean> DONE = io.netty.util.AttributeKey.valueOf("pibl.check.done");
}
