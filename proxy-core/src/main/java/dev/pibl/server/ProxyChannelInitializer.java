package dev.pibl.server;

import static java.util.Objects.requireNonNull;

import dev.pibl.cache.BackgroundRefresh;
import dev.pibl.cache.CacheHandler;
import dev.pibl.cache.ResponseCache;
import dev.pibl.config.PiblConfig;
import dev.pibl.http.ClientTimeoutHandler;
import dev.pibl.http.FramingGuard;
import dev.pibl.http.RequestHeadScanner;
import dev.pibl.http.ScoringHandler;
import dev.pibl.logging.AccessLog;
import dev.pibl.logging.AccessLogHandler;
import dev.pibl.logging.ExchangeObserver;
import dev.pibl.upstream.ProxyHandler;
import dev.pibl.upstream.ProxySettings;
import dev.pibl.config.ServerConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the pipeline of each client connection. {@link #initChannel} reads as the table of
 * contents of the request path (DESIGN.md), one step per stage:
 *
 * <pre>
 * client-bytes → head-scanner → http-codec → access-log → client-timeouts → framing-guard → scoring → cache → proxy
 * </pre>
 *
 * Shared by all connections; {@code initChannel} runs on each new connection's event loop.
 */
final class ProxyChannelInitializer extends ChannelInitializer<Channel> {

    private final PiblConfig config;
    private final AccessLog accessLog;
    private final ProxySettings proxySettings;
    private final ChannelGroup clients;
    private final AtomicInteger open = new AtomicInteger();
    private final int maxConnections;
    private final boolean pauseWhenFull;
    private final ResponseCache cache;
    private final BackgroundRefresh refresh;
    private final ScoringSetup.Scoring scoring;
    private final ExchangeObserver exchanges;

    /** @param exchanges told of every exchange by the access-log stage (metrics); null for none */
    ProxyChannelInitializer(PiblConfig config, AccessLog accessLog, ProxySettings proxySettings, ChannelGroup clients,
            ResponseCache cache, BackgroundRefresh refresh, ScoringSetup.Scoring scoring, ExchangeObserver exchanges) {
        this.exchanges = exchanges;
        this.cache = cache;
        this.scoring = scoring;
        this.refresh = refresh;
        this.config = requireNonNull(config, "config");
        this.accessLog = requireNonNull(accessLog, "accessLog");
        this.proxySettings = requireNonNull(proxySettings, "proxySettings");
        this.clients = requireNonNull(clients, "clients");
        this.maxConnections = config.server().maxConnections();
        this.pauseWhenFull = config.server().overload() == ServerConfig.Overload.PAUSE;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (maxConnections > 0 && !admit(ch)) {
            return;
        }
        clients.add(ch);
        ChannelPipeline p = ch.pipeline();
        ClientTimeoutHandler timeouts = new ClientTimeoutHandler(config.timeouts().idle(), config.timeouts().clientHeader());
        addByteWatcher(p, timeouts);
        addHeadScanner(p);
        addHttpCodec(p);
        addAccessLog(p);
        addClientTimeouts(p, timeouts);
        addFramingGuard(p);
        addScoring(p);
        addCacheHandlers(p);
        addProxyHandler(p);
    }

    /**
     * Counts the connection against {@code server.max-connections}. Beyond it, REJECT answers a
     * canned 503 with Retry-After and closes; PAUSE stops the listener accepting until a
     * connection closes (new clients wait in the kernel's backlog). Runs on the new connection's
     * event loop; the counter is shared by all of them.
     */
    private boolean admit(Channel ch) {
        int now = open.incrementAndGet();
        ch.closeFuture().addListener(f -> {
            open.decrementAndGet();
            updateListener(ch.parent());
        });
        if (now <= maxConnections) {
            if (now == maxConnections) {
                updateListener(ch.parent());
            }
            return true;
        }
        if (pauseWhenFull) {
            // Raced past the limit before the listener paused: serve it rather than drop it.
            return true;
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(OVERLOADED)).addListener(ChannelFutureListener.CLOSE);
        return false;
    }

    /**
     * Pauses or resumes accepting from the listener's own event loop, recomputed from the count
     * there: toggles issued from several child loops could otherwise land out of order (on NIO a
     * late "pause" can undo a "resume" for good).
     */
    private void updateListener(Channel listener) {
        if (!pauseWhenFull || listener == null) {
            return;
        }
        listener.eventLoop().execute(() -> listener.config().setAutoRead(open.get() < maxConnections));
    }

    private static final String OVERLOADED_BODY = "503 Service Unavailable: too many connections\n";
    private static final byte[] OVERLOADED = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + OVERLOADED_BODY.length() + "\r\n"
            + "Retry-After: 1\r\nConnection: close\r\n\r\n" + OVERLOADED_BODY)
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private void addByteWatcher(ChannelPipeline p, ClientTimeoutHandler timeouts) {
        p.addLast(HandlerNames.CLIENT_BYTES, timeouts.byteWatcher());
    }

    /**
     * Before the codec, because the codec repairs what it should refuse (obs-fold, runs of spaces in
     * the request line) in code that has no hook; the scanner's refusals still reach the access log
     * and the framing guard as decoder failures.
     */
    private void addHeadScanner(ChannelPipeline p) {
        p.addLast(HandlerNames.HEAD_SCANNER, new RequestHeadScanner());
    }

    private void addHttpCodec(ChannelPipeline p) {
        p.addLast(HandlerNames.HTTP_CODEC, new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.server().limits().maxRequestLine())
                .setMaxHeaderSize(config.server().limits().maxHeaderSize())
                .setMaxChunkSize(64 * 1024)));
    }

    private void addAccessLog(ChannelPipeline p) {
        p.addLast(HandlerNames.ACCESS_LOG, new AccessLogHandler(accessLog, exchanges));
    }

    private void addClientTimeouts(ChannelPipeline p, ClientTimeoutHandler timeouts) {
        p.addLast(HandlerNames.CLIENT_TIMEOUTS, timeouts);
    }

    private void addFramingGuard(ChannelPipeline p) {
        p.addLast(HandlerNames.FRAMING_GUARD, new FramingGuard(config.server().limits()));
    }

    /**
     * Score-based balancing decides each request's tier here: after the guard, so only well-framed
     * requests count towards a client's behaviour, and before the cache, which must know a client
     * is denied or cache-only before it answers. Absent unless {@code balancing.policy} is score.
     */
    private void addScoring(ChannelPipeline p) {
        if (scoring != null) {
            p.addLast(HandlerNames.SCORING, new ScoringHandler(scoring.service(), scoring.keys()));
        }
    }

    /**
     * The response cache, after the guard so it only sees well-framed requests and before the
     * proxy so a hit never reaches a backend. Absent when {@code cache.enabled} is false.
     */
    private void addCacheHandlers(ChannelPipeline p) {
        if (cache != null) {
            p.addLast(HandlerNames.CACHE, new CacheHandler(cache, refresh));
        }
    }

    private void addProxyHandler(ChannelPipeline p) {
        p.addLast(HandlerNames.PROXY, new ProxyHandler(proxySettings));
    }
}
