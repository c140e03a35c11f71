package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

import dev.pibl.balance.Backend;
import dev.pibl.balance.HealthRegistry;
import dev.pibl.balance.LoadBalancer;
import dev.pibl.http.HopByHopHeaders;
import dev.pibl.upstream.ProxySettings;
import dev.pibl.scoring.Tier;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stale-while-revalidate (RFC 5861): refreshes a stored response in the background after a client
 * was answered with it stale. One GET per variant at a time, on a fresh connection to the backend
 * the balancer picks (so a refresh never takes a pooled connection from client traffic), with
 * the stored validators; a 304 refreshes the entry, a storable 200 replaces it. Bounded by the
 * response timeout and {@code cache.max-object-size}.
 *
 * <p>Shared by all connections; {@link #refresh} is called on a client's event loop and the
 * refresh runs on that loop.
 */
public final class BackgroundRefresh {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRefresh.class);
    /**
     * Fields of the client's own request that do not describe the refresh (hop-by-hop fields go
     * by {@link HopByHopHeaders}, as on the proxied path).
     */
    private static final List<AsciiString> NOT_COPIED = List.of(HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.EXPECT, HttpHeaderNames.IF_NONE_MATCH, HttpHeaderNames.IF_MODIFIED_SINCE,
            HttpHeaderNames.IF_MATCH, HttpHeaderNames.IF_UNMODIFIED_SINCE, HttpHeaderNames.IF_RANGE,
            HttpHeaderNames.RANGE);

    private final ResponseCache cache;
    private final Supplier<ProxySettings> live;
    private final Class<? extends Channel> channelClass;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    /**
     * @param live the proxy's settings in force (they change on reload): their balancer picks the
     *             backend of a refresh, or with score balancing the pool of the tier of the client
     *             whose hit found the entry stale; their response timeout bounds it
     */
    public BackgroundRefresh(ResponseCache cache, Supplier<ProxySettings> live, Class<? extends Channel> channelClass) {
        this.cache = requireNonNull(cache, "cache");
        this.live = requireNonNull(live, "live");
        this.channelClass = requireNonNull(channelClass, "channelClass");
    }

    /** How many refreshes are under way (tests). */
    int running() {
        return running.size();
    }

    /**
     * Starts refreshing {@code stale} unless a refresh of it is already under way.
     *
     * @param tier the routing tier of the client whose hit found it stale, or null without score
     *             balancing: the refresh stays within that tier's pool, as the client's own request would
     */
    void refresh(EventLoop loop, String urlKey, ResponseCache.Cached stale, String target, HeaderView request,
            Tier tier) {
        ProxySettings settings = live.get();
        HealthRegistry health = settings.health();
        Duration timeout = Duration.ofNanos(settings.responseTimeoutNanos());
        boolean preserveHost = settings.preserveHost();
        LoadBalancer pick = settings.balancer();
        Tier current = tier == null || settings.tierPools() == null ? null : settings.tierPools().current(tier);
        if (current != null) {
            pick = settings.tierPools().balancer(current);
            if (pick == null) {
                return; // a tier that routes nowhere makes no backend work, refreshes included
            }
        }
        String key = stale.entry().key();
        if (!running.add(key)) {
            return;
        }
        Backend backend = pick.nextExcluding(0L);
        if (backend == null) {
            running.remove(key);
            return;
        }
        // Picking may have claimed an ejected backend's half-open probe; a refresh does not judge
        // health, so the claim goes back when it ends.
        long generation = health.of(backend).generation();
        long requestTime = cache.now();
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        int max = (int) Math.min(Integer.MAX_VALUE - 1, cache.config().maxObjectSize());
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(max),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                        store(urlKey, stale, request, requestTime, r);
                                        ctx.close();
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        LOG.debug("background refresh of {} failed: {}", key, cause.toString());
                                        ctx.close();
                                    }
                                });
                    }
                });
        ChannelFuture connect = bootstrap.connect(backend.address());
        Channel ch = connect.channel();
        ch.closeFuture().addListener(f -> {
            running.remove(key);
            health.release(backend, generation);
        });
        loop.schedule(() -> {
            ch.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
                return;
            }
            ch.writeAndFlush(conditionalGet(target, stale.entry(), request, backend, preserveHost));
        });
    }

    private static FullHttpRequest conditionalGet(String target, CacheEntry stale, HeaderView client, Backend backend,
            boolean preserveHost) {
        FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target,
                Unpooled.EMPTY_BUFFER);
        HttpHeaders h = get.headers();
        client.forEach(h::add);
        HopByHopHeaders.strip(h, HttpVersion.HTTP_1_1);
        NOT_COPIED.forEach(h::remove);
        String clientHost = client.get("host");
        h.set(HttpHeaderNames.HOST, preserveHost && clientHost != null ? clientHost : backend.hostHeader());
        if (stale.etag() != null) {
            h.set(HttpHeaderNames.IF_NONE_MATCH, stale.etag());
        }
        if (stale.lastModified() != null) {
            h.set(HttpHeaderNames.IF_MODIFIED_SINCE, stale.lastModified());
        }
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return get;
    }

    private void store(String urlKey, ResponseCache.Cached stale, HeaderView request, long requestTime,
            FullHttpResponse r) {
        CachePolicy policy = cache.policy();
        long now = cache.now();
        int code = r.status().code();
        HeaderView headers = Views.of(r.headers());
        if (code == 304) {
            CacheEntry refreshed = policy.refreshed(stale.entry(), headers, requestTime, now);
            if (refreshed.keepUntil() <= now) {
                cache.invalidate(urlKey); // the 304 now says no-store or private
            } else {
                cache.store(urlKey, refreshed, stale.body());
            }
            return;
        }
        if (policy.notStorable("GET", request, code, headers) != null) {
            return; // the stale entry ages out on its own
        }
        List<String> vary = CachePolicy.varyNames(headers);
        String key = CachePolicy.variantKey(urlKey, vary, request);
        CacheEntry entry = policy.entry(key, request, code, r.status().reasonPhrase(), headers, requestTime, now,
                r.content().readableBytes());
        ByteBuf content = r.content().retain();
        try {
            cache.storeLater(() -> cache.store(urlKey, entry, CacheHandler.copyOut(content)), () -> { });
        } catch (RejectedExecutionException stopping) {
            content.release();
        }
    }
}
