package dev.pibl.upstream;

import static java.util.Objects.requireNonNull;

import dev.pibl.balance.Backend;
import dev.pibl.balance.LoadBalancer;
import dev.pibl.config.TrustedProxies;
import dev.pibl.http.AbsoluteForm;
import dev.pibl.http.Deadline;
import dev.pibl.http.ErrorResponses;
import dev.pibl.http.ForwardedHeaders;
import dev.pibl.http.HopByHopHeaders;
import dev.pibl.http.ProxyError;
import dev.pibl.http.ReadGate;
import dev.pibl.http.RequestIds;
import dev.pibl.http.ScoredRequest;
import dev.pibl.scoring.Decision;
import dev.pibl.scoring.Tier;
import dev.pibl.scoring.TierAction;
import dev.pibl.logging.AccessLogHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of the client pipeline: relays each request to a backend and the response back,
 * streaming both bodies chunk by chunk with backpressure and no aggregation.
 *
 * <p>Where it sits: after the codec, access log, timeouts, framing guard and cache stages. What it
 * sends: request heads and bodies to a backend connection borrowed from the pool of this event
 * loop; response heads and bodies (and 1xx interim responses) to the client; error responses
 * ({@link ProxyError}) when no backend answers properly.
 *
 * <p>Exchanges run one at a time per connection, so pipelined requests are answered in order: a
 * request that arrives while another is in flight waits in a small queue with reading paused.
 * Flow control is by auto-read: reading from one side stops while the other side is unwritable
 * and resumes on its writability change, so memory per connection stays bounded (about one read
 * buffer plus the channel's high water mark) whatever the body size.
 *
 * <p>Failures: connection failures are retried on the next backend (up to {@code maxTries}). A
 * connection that closes before any response is retried only for an idempotent request none of
 * whose body was sent: once on a fresh connection to the same backend if the closed one was a
 * reused keep-alive connection (the backend's keep-alive timeout raced with the reuse), else on
 * the next backend; otherwise 502. No response head within the response timeout after the request
 * was sent gives 504. A request body that stalls between reads gives 408 (or 504 when the backend
 * stopped reading it). Once a response has started, a failure can only cut the client connection.
 *
 * <p>One instance per client connection; all methods run on its event loop, including the
 * {@code onUpstream*} callbacks, because backend connections live on the same loop.
 */
public final class ProxyHandler extends ChannelInboundHandlerAdapter {

    /** Fired down the pipeline by the server when it starts draining for shutdown. */
    public static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

    private final ProxySettings settings;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private UpstreamPools.LoopPools pools;
    private AccessLogHandler accessLog;
    private ReadGate readGate;
    private Deadline responseDeadline;
    private Deadline bodyDeadline;
    private Deadline requestDeadline;
    private Ticker ticker;
    private String clientIp = "-";
    /** The peer is a trusted proxy: its forwarding headers are kept and extended, not replaced. */
    private boolean peerTrusted;
    private Exchange ex;
    private boolean draining;
    /** No further request will be served: the connection is closing. */
    private boolean closing;
    private boolean processingPending;
    private boolean upstreamFlushNeeded;
    /** Inside a client read batch: upstream writes are flushed once, at read-complete. */
    private boolean inClientRead;

    public ProxyHandler(ProxySettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        this.pools = settings.pools().forLoop(ctx.channel().eventLoop());
        this.accessLog = ctx.pipeline().get(AccessLogHandler.class);
        this.readGate = ReadGate.of(ctx.channel());
        this.responseDeadline = new Deadline(ctx.executor(), this::responseTimedOut);
        this.bodyDeadline = new Deadline(ctx.executor(), this::bodyTimedOut);
        this.requestDeadline = new Deadline(ctx.executor(), this::requestTimedOut);
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            clientIp = inet.getAddress().getHostAddress();
            // Once per connection; with no trusted proxies configured (the default) not even that.
            TrustedProxies trusted = settings.trustedProxies();
            peerTrusted = !trusted.isEmpty() && trusted.trusts(inet.getAddress());
        }
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inClientRead = true;
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (processingPending || !pending.isEmpty() || !canConsume(msg)) {
            pending.addLast(msg);
            readGate.proxy(false);
            return;
        }
        consume(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inClientRead = false;
        flushUpstream();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange e = ex;
        if (e != null && e.upstream != null) {
            e.upstream.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        responseDeadline.cancel();
        bodyDeadline.cancel();
        requestDeadline.cancel();
        Exchange e = ex;
        if (e != null) {
            closeUpstream(e);
            finish(e);
        }
        releasePending();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DRAIN) {
            draining = true;
            if (ex == null) {
                // Idle here, but an answer may still be on its way out (a cache hit, say): close
                // once what was written is flushed, not over it.
                closing = true;
                releasePending();
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else if (!ex.responseStarted) {
                ex.clientKeepAlive = false;
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            LOG.debug("client connection {} failed: {}", ctx.channel(), cause.toString()); // resets are routine
        } else {
            LOG.warn("client connection {} failed", ctx.channel(), cause);
        }
        ctx.close();
    }

    private boolean canConsume(Object msg) {
        Exchange e = ex;
        if (e == null) {
            return true;
        }
        if (msg instanceof HttpRequest) {
            return false; // the next pipelined request waits for this exchange to finish
        }
        return e.upstream != null && !e.requestComplete;
    }

    private void consume(Object msg) {
        if (ex == null) {
            if (msg instanceof HttpRequest request) {
                startExchange(request);
            } else {
                ReferenceCountUtil.release(msg); // leftovers of a request that was already answered
            }
            return;
        }
        forwardBody((HttpContent) msg);
    }

    private void processPending() {
        if (processingPending) {
            return;
        }
        processingPending = true;
        try {
            Object msg;
            while (!closing && (msg = pending.peekFirst()) != null && canConsume(msg)) {
                pending.pollFirst();
                consume(msg);
            }
        } finally {
            processingPending = false;
        }
        if (!inClientRead) {
            flushUpstream();
        }
        updateClientAutoRead();
    }

    /** Reads from the client unless queued messages or an unwritable backend say to wait. */
    private void updateClientAutoRead() {
        Exchange e = ex;
        boolean blocked = e != null && !e.requestComplete && (e.upstream == null || !e.upstream.isWritable());
        readGate.proxy(!closing && pending.isEmpty() && !blocked);
    }

    // ---------------------------------------------------------------- request path

    private void startExchange(HttpRequest request) {
        Exchange e = new Exchange(request);
        ex = e;
        HttpHeaders headers = request.headers();
        AbsoluteForm.toOriginForm(request);
        e.clientSentHost = headers.contains(HttpHeaderNames.HOST);
        if (HttpUtil.is100ContinueExpected(request)) {
            // Answered here, when a backend connection is ready, as nginx does; backends never see it.
            e.expectContinue = true;
            headers.remove(HttpHeaderNames.EXPECT);
        }
        boolean chunked = HttpUtil.isTransferEncodingChunked(request);
        e.clientKeepAlive = HopByHopHeaders.strip(headers, request.protocolVersion()) && !draining;
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        ForwardedHeaders.apply(headers, clientIp, peerTrusted, request.protocolVersion());
        // Backend connections are persistent HTTP/1.1 whatever the client spoke.
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        e.upstreamStartNanos = ticker.nanoTime();
        Decision decision = ScoredRequest.decisionOf(request);
        if (decision != null && settings.tierPools() != null) {
            e.tier = decision.tier();
            if (e.tier.action() != TierAction.ROUTE) {
                refuse(e, e.tier);
                return;
            }
            e.balancer = settings.tierPools().balancer(e.tier);
            e.routingTier = e.tier;
        }
        settings.retryBudget().onRequest();
        if (settings.requestTimeoutNanos() > 0) {
            requestDeadline.arm(settings.requestTimeoutNanos());
        }
        bodyDeadline.arm(settings.clientBodyTimeoutNanos()); // disarmed when the request's end arrives
        tryNextBackend(e, null, null);
    }

    private void tryNextBackend(Exchange e, UpstreamFailure lastFailure, Backend lastBackend) {
        releaseClaim(e);
        boolean retry = e.tries > 0;
        Backend b = null;
        if (e.tries < settings.maxTries()) {
            if (retry && !settings.retryBudget().canRetry()) {
                retryBudgetSpent(e, lastFailure, lastBackend);
                return;
            }
            b = e.balancer.nextExcluding(e.tried);
            if (b == null && e.tier != null) {
                // Also on a retry: a pool whose last backend just failed spills over as one
                // already marked down would. A refusing tier refuses only a request's first pick;
                // after a backend failure the client hears of that failure instead.
                b = spill(e);
                if (b == null && e.refusedBy != null && !retry) {
                    refuse(e, e.refusedBy);
                    return;
                }
            }
        }
        boolean acquired = b != null;
        if (b == null && !retry) {
            if (!settings.health().panicMode()) {
                fail(e, ProxyError.NO_BACKEND_AVAILABLE, "no healthy backend",
                        settings.health().retryAfterSeconds());
                return;
            }
            b = e.balancer.nextIgnoringHealth(0); // panic: better a likely failure than none
        }
        if (b == null) {
            fail(e, lastFailure.error(), lastFailure.describe(lastBackend.name())); // nowhere to retry: nothing spent
            return;
        }
        long generation = settings.health().of(b).generation();
        // Paid for only now that the retry has somewhere to go; another loop may have taken the last
        // token since the look above, and then the backend's claim (maybe its probe) goes back.
        if (retry && !settings.retryBudget().tryRetry()) {
            settings.health().release(b, generation);
            retryBudgetSpent(e, lastFailure, lastBackend);
            return;
        }
        e.tries++;
        if (b.index() < 64) {
            e.tried |= 1L << b.index();
        }
        e.backend = b;
        e.healthGeneration = generation;
        e.holdsClaim = acquired;
        e.pool = pools.pool(b);
        if (accessLog != null) {
            accessLog.noteBackend(b.name());
        }
        e.pool.acquire(e, false);
    }

    /**
     * No backend of {@code e}'s tier can take it: follows the tiers' spill-over to the first tier
     * with a backend that can, whose balancer then routes {@code e} (retries included). Null when
     * there is none, with {@code e.refusedBy} set when the spill-over led to a deny or cache-only
     * tier first.
     */
    private Backend spill(Exchange e) {
        Tier at = e.routingTier;
        int hops = settings.tierPools().tiers().all().size();
        while (hops-- > 0 && (at = settings.tierPools().tiers().spillTarget(at)) != null) {
            if (at.action() != TierAction.ROUTE) {
                e.refusedBy = at;
                return null;
            }
            LoadBalancer spillOver = settings.tierPools().balancer(at);
            Backend b = spillOver.nextExcluding(e.tried);
            if (b != null) {
                e.balancer = spillOver;
                e.routingTier = at;
                return b;
            }
        }
        return null;
    }

    /** The client's tier keeps this request from every backend: 429, with the tier's Retry-After. */
    private void refuse(Exchange e, Tier tier) {
        String why = tier.action() == TierAction.DENY
                ? "too many requests: client denied (tier " + tier.name() + ")"
                : "too many requests: tier " + tier.name() + " is served from the cache only, and this is not in it";
        fail(e, ProxyError.CLIENT_REFUSED, why, Math.max(1, tier.retryAfter().toSeconds()));
    }

    private void retryBudgetSpent(Exchange e, UpstreamFailure lastFailure, Backend lastBackend) {
        LOG.warn("retry budget spent: not retrying request {} after backend {} failed", e.requestId,
                lastBackend.name());
        fail(e, lastFailure.error(), lastFailure.describe(lastBackend.name()));
    }

    private void attach(Exchange e, Channel upstream, boolean reused) {
        e.upstream = upstream;
        e.reusedConnection = reused;
        UpstreamHandler relay = upstream.pipeline().get(UpstreamHandler.class);
        e.relay = relay;
        relay.bind(this);
        HttpHeaders headers = e.request.headers();
        if (!settings.preserveHost() || !e.clientSentHost) {
            headers.set(HttpHeaderNames.HOST, e.backend.hostHeader());
        }
        upstream.write(e.request, upstream.voidPromise());
        if (e.requestComplete) {
            // A retry of a request whose (empty) body already ended: end it again on this connection.
            upstream.write(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
            responseDeadline.arm(settings.responseTimeoutNanos());
        }
        upstreamFlushNeeded = true;
        upstream.config().setAutoRead(ctx.channel().isWritable());
        if (e.expectContinue && !e.continueSent) {
            e.continueSent = true;
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER), ctx.voidPromise());
        }
        processPending();
    }

    private void forwardBody(HttpContent content) {
        Exchange e = ex;
        if (content.decoderResult().isFailure()) {
            content.release();
            fail(e, ProxyError.MALFORMED_REQUEST, "malformed request body");
            return;
        }
        int n = content.content().readableBytes();
        e.bodyBytes += n;
        if (settings.maxBodySize() > 0 && e.bodyBytes > settings.maxBodySize()) {
            content.release();
            fail(e, ProxyError.BODY_TOO_LARGE, "request body larger than " + settings.maxBodySize() + " bytes");
            return;
        }
        if (n > 0) {
            e.requestBodySent = true;
        }
        boolean last = content instanceof LastHttpContent;
        e.upstream.write(content, e.upstream.voidPromise());
        upstreamFlushNeeded = true;
        if (last) {
            e.requestComplete = true;
            bodyDeadline.disarm();
            if (!e.responseStarted) {
                responseDeadline.arm(settings.responseTimeoutNanos());
            }
        } else {
            bodyDeadline.arm(settings.clientBodyTimeoutNanos());
            if (!e.upstream.isWritable()) {
                readGate.proxy(false);
            }
        }
    }

    private void flushUpstream() {
        if (!upstreamFlushNeeded) {
            return;
        }
        upstreamFlushNeeded = false;
        Exchange e = ex;
        if (e != null && e.upstream != null) {
            e.upstream.flush();
        }
    }

    // ---------------------------------------------------------------- response path

    void onUpstreamRead(Channel upstream, Object msg) {
        Exchange e = ex;
        if (e == null || e.upstream != upstream) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                upstreamBroke(e, UpstreamFailure.INVALID_RESPONSE, response.decoderResult().cause());
                return;
            }
            onResponseHead(e, response);
        } else if (!(msg instanceof HttpContent)) {
            // Raw bytes: the client codec stopped parsing HTTP (after a 101). Never relay or pool it.
            ReferenceCountUtil.release(msg);
            upstreamBroke(e, UpstreamFailure.INVALID_RESPONSE, null);
            return;
        }
        if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                // A broken chunk: relaying a clean end would pass a truncated body off as whole,
                // and the codec now discards the connection's bytes, so it must not be pooled.
                content.release();
                upstreamBroke(e, UpstreamFailure.INVALID_RESPONSE, content.decoderResult().cause());
                return;
            }
            if (e.responseStarted && e.requestComplete) {
                responseDeadline.arm(settings.responseTimeoutNanos()); // bounds the gap between reads
            }
            onResponseContent(e, content);
        }
    }

    private void onResponseHead(Exchange e, HttpResponse response) {
        int code = response.status().code();
        if (code < 200) {
            onInterimResponse(e, response);
            return;
        }
        e.responseStarted = true;
        if (accessLog != null) {
            accessLog.noteResponseHead(ticker.nanoTime() - e.upstreamStartNanos);
        }
        if (code >= 500) {
            reportFailure(e);
        } else {
            reportSuccess(e);
        }
        if (e.requestComplete) {
            responseDeadline.arm(settings.responseTimeoutNanos()); // now bounds the gap between reads
        }
        HttpHeaders headers = response.headers();
        boolean noBody = e.head || code == 204 || code == 304;
        e.upstreamReusable = HopByHopHeaders.strip(headers, response.protocolVersion());
        boolean hasLength = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
        if (!noBody && !hasLength) {
            // Chunked or read-until-close from the backend: chunk it for HTTP/1.1 clients, and for
            // HTTP/1.0 clients let the end of the connection mark the end of the body.
            if (e.clientVersion.minorVersion() == 1) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                e.clientKeepAlive = false;
            }
        }
        if (!e.requestComplete || draining) {
            e.clientKeepAlive = false; // the rest of the request body cannot be framed reliably: close after
        }
        if (!e.clientKeepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (e.clientVersion.minorVersion() == 0) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        ctx.write(response, ctx.voidPromise());
    }

    private void onInterimResponse(Exchange e, HttpResponse response) {
        e.inInterim = true;
        int code = response.status().code();
        // 100 was already answered by us (or never asked for); 101 cannot happen since Upgrade is
        // never forwarded; HTTP/1.0 clients do not understand 1xx. Relay the rest (102, 103).
        if (code == 100 || code == 101 || e.clientVersion.minorVersion() == 0) {
            return;
        }
        HopByHopHeaders.strip(response.headers(), response.protocolVersion());
        FullHttpResponse interim = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                Unpooled.EMPTY_BUFFER);
        interim.headers().set(response.headers());
        ctx.writeAndFlush(interim, ctx.voidPromise());
    }

    private void onResponseContent(Exchange e, HttpContent content) {
        if (e.inInterim) {
            // The decoder ends every 1xx with an empty last content; the interim was relayed whole.
            if (content instanceof LastHttpContent) {
                e.inInterim = false;
            }
            content.release();
            return;
        }
        if (!(content instanceof LastHttpContent)) {
            ctx.write(content, ctx.voidPromise());
            return;
        }
        completeExchange(e, (LastHttpContent) content);
    }

    void onUpstreamReadComplete(Channel upstream) {
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            upstream.config().setAutoRead(false);
        }
    }

    void onUpstreamWritabilityChanged() {
        updateClientAutoRead();
    }

    private void completeExchange(Exchange e, LastHttpContent last) {
        responseDeadline.disarm();
        bodyDeadline.disarm();
        requestDeadline.disarm();
        if (accessLog != null) {
            accessLog.noteUpstream(ticker.nanoTime() - e.upstreamStartNanos);
        }
        releaseUpstream(e, e.upstreamReusable && e.requestComplete);
        finish(e);
        if (!e.clientKeepAlive || draining) {
            closing = true;
            ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
            releasePending();
            return;
        }
        ctx.writeAndFlush(last, ctx.voidPromise());
        processPending();
    }

    void onUpstreamClosed(Channel upstream, Throwable cause) {
        Exchange e = ex;
        if (e == null || e.upstream != upstream) {
            return;
        }
        upstreamBroke(e, UpstreamFailure.CLOSED_BEFORE_RESPONSE, cause);
    }

    private void upstreamBroke(Exchange e, UpstreamFailure failure, Throwable cause) {
        Backend backend = e.backend;
        LOG.warn("backend {} failed during request {}: {}{}", backend.name(), e.requestId, failure.describe(backend.name()),
                cause == null ? "" : " (" + cause + ")");
        closeUpstream(e);
        boolean staleReuse = e.reusedConnection && !e.retriedFresh && failure == UpstreamFailure.CLOSED_BEFORE_RESPONSE;
        if (!staleReuse && !e.responseStarted) {
            reportFailure(e); // a stale keep-alive close is a race, not a sick backend
        }
        if (e.responseStarted) {
            abort(e);
            return;
        }
        responseDeadline.disarm();
        // The request may have reached the backend: send it again only if that is harmless (an
        // idempotent method, RFC 9110 §9.2.2) and nothing of its body is lost with the connection.
        if (!e.requestBodySent && e.idempotent) {
            if (e.reusedConnection && !e.retriedFresh) {
                e.retriedFresh = true;
                e.pool.acquire(e, true);
                return;
            }
            tryNextBackend(e, failure, backend);
            return;
        }
        fail(e, failure.error(), failure.describe(backend.name()));
    }

    private void responseTimedOut() {
        Exchange e = ex;
        if (e == null || e.upstream == null) {
            return;
        }
        if (e.responseStarted && !ctx.channel().isWritable()) {
            LOG.warn("client too slow reading the response to request {}: closing", e.requestId);
        } else {
            LOG.warn("backend {} did not answer request {} in time", e.backend.name(), e.requestId);
            if (!e.responseStarted) {
                reportFailure(e); // the head already counted once
            }
        }
        closeUpstream(e);
        if (e.responseStarted) {
            abort(e);
            return;
        }
        fail(e, UpstreamFailure.RESPONSE_TIMEOUT.error(), UpstreamFailure.RESPONSE_TIMEOUT.describe(e.backend.name()));
    }

    private void requestTimedOut() {
        Exchange e = ex;
        if (e == null) {
            return;
        }
        boolean waitingOnBackend = e.upstream != null && !e.responseStarted
                && (e.requestComplete || !e.upstream.isWritable());
        if (waitingOnBackend) {
            // Only the backend's fault when the request was all sent or it stopped reading it,
            // never while a slow client was still sending: clients must not eject backends.
            reportFailure(e);
        }
        LOG.warn("request {} exceeded its deadline", e.requestId);
        closeUpstream(e);
        if (e.responseStarted) {
            abort(e);
            return;
        }
        fail(e, ProxyError.BACKEND_TIMEOUT, "request not completed within the deadline");
    }

    private void bodyTimedOut() {
        Exchange e = ex;
        if (e == null || e.requestComplete) {
            return;
        }
        if (e.upstream == null || !pending.isEmpty()) {
            // The wait is ours (connecting, or body parts queued), not the client's.
            bodyDeadline.arm(settings.clientBodyTimeoutNanos());
            return;
        }
        if (!e.upstream.isWritable()) {
            LOG.warn("backend {} stopped reading the body of request {}", e.backend.name(), e.requestId);
            reportFailure(e);
            fail(e, ProxyError.BACKEND_TIMEOUT, "backend " + e.backend.name() + " stopped reading the request body");
            return;
        }
        fail(e, ProxyError.CLIENT_TIMEOUT, "request body not received in time");
    }

    // ---------------------------------------------------------------- endings

    private void onAcquireFailed(Exchange e, UpstreamFailure failure, Throwable cause) {
        LOG.warn("backend {} unavailable for request {}: {}{}", e.backend.name(), e.requestId,
                failure.describe(e.backend.name()), cause == null ? "" : " (" + cause.getMessage() + ")");
        if (failure == UpstreamFailure.CONNECT_FAILED || failure == UpstreamFailure.CONNECT_TIMEOUT) {
            reportFailure(e);
            tryNextBackend(e, failure, e.backend);
            return;
        }
        fail(e, failure.error(), failure.describe(e.backend.name()));
    }

    private void fail(Exchange e, ProxyError error, String detail) {
        fail(e, error, detail, 0);
    }

    /**
     * Answers the client with an error for the current exchange (or cuts it if a response
     * started); with {@code retryAfterSeconds > 0} the answer carries Retry-After.
     */
    private void fail(Exchange e, ProxyError error, String detail, long retryAfterSeconds) {
        bodyDeadline.disarm();
        requestDeadline.disarm();
        if (e.responseStarted) {
            abort(e);
            return;
        }
        responseDeadline.disarm();
        closeUpstream(e);
        if (accessLog != null && e.tries > 0) { // refused before any backend was tried: upstream=-
            accessLog.noteUpstream(ticker.nanoTime() - e.upstreamStartNanos);
        }
        if (accessLog != null) {
            accessLog.noteFailure(detail);
        }
        finish(e);
        discardQueuedBody(e);
        boolean close = !e.clientKeepAlive || !e.requestComplete || draining;
        FullHttpResponse response = ErrorResponses.build(ctx.alloc(), error, detail, e.requestId, close);
        if (retryAfterSeconds > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        if (close) {
            closing = true;
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            releasePending();
            return;
        }
        ctx.writeAndFlush(response, ctx.voidPromise());
        processPending();
    }

    /** A response already started and cannot be completed: cut the client connection. */
    private void abort(Exchange e) {
        bodyDeadline.disarm();
        requestDeadline.disarm();
        closeUpstream(e);
        finish(e);
        closeClient();
    }

    private void closeClient() {
        closing = true;
        releasePending();
        ctx.close();
    }

    private void finish(Exchange e) {
        releaseClaim(e);
        e.finished = true;
        if (ex == e) {
            ex = null;
        }
    }

    private void reportSuccess(Exchange e) {
        e.holdsClaim = false;
        settings.health().onSuccess(e.backend, e.healthGeneration);
    }

    private void reportFailure(Exchange e) {
        e.holdsClaim = false;
        settings.health().onFailure(e.backend, e.healthGeneration);
    }

    /**
     * The current attempt ends with no outcome for health to judge (no connection from the pool,
     * the client left, the client was too slow): if it was an ejected backend's half-open probe,
     * the next request may probe now instead of after the claim is reclaimed.
     */
    private void releaseClaim(Exchange e) {
        if (e.holdsClaim) {
            e.holdsClaim = false;
            settings.health().release(e.backend, e.healthGeneration);
        }
    }

    private void releaseUpstream(Exchange e, boolean reusable) {
        Channel upstream = e.upstream;
        if (upstream == null) {
            return;
        }
        e.upstream = null;
        e.relay.unbind();
        upstream.config().setAutoRead(true); // an idle pooled connection must notice the backend closing it
        e.pool.release(upstream, reusable);
    }

    private void closeUpstream(Exchange e) {
        Channel upstream = e.upstream;
        if (upstream == null) {
            return;
        }
        e.upstream = null;
        e.relay.unbind();
        upstream.close();
    }

    /**
     * Drops the failed request's body parts already queued; if its end is among them the request
     * is complete and the connection can carry the next one.
     */
    private void discardQueuedBody(Exchange e) {
        Object msg;
        while (!e.requestComplete && (msg = pending.peekFirst()) instanceof HttpContent
                && !(msg instanceof HttpRequest)) {
            pending.pollFirst();
            e.requestComplete = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
        }
    }

    private void releasePending() {
        Object msg;
        while ((msg = pending.pollFirst()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** One request and its response. Also the pool's waiter for a backend connection. */
    private final class Exchange implements ConnectionPool.Waiter {
        final HttpRequest request;
        final String requestId;
        final HttpVersion clientVersion;
        final boolean head;
        final boolean idempotent;
        boolean clientSentHost;
        boolean reusedConnection;
        boolean retriedFresh;
        boolean clientKeepAlive;
        boolean expectContinue;
        boolean continueSent;
        boolean requestComplete;
        boolean requestBodySent;
        long bodyBytes;
        boolean responseStarted;
        boolean inInterim;
        boolean upstreamReusable;
        boolean finished;
        int tries;
        long tried;
        long upstreamStartNanos;
        long healthGeneration;
        /**
         * The balancer's health check let the current attempt through (so it may be an ejected
         * backend's probe) and no outcome has been reported for it yet.
         */
        boolean holdsClaim;
        Backend backend;
        /** Picks this exchange's backends: the tier's (or its spill-over's) with score balancing. */
        LoadBalancer balancer = settings.balancer();
        /** The client's tier with score balancing, else null. */
        Tier tier;
        /** The tier whose pool {@link #balancer} picks from: the client's, or one it spilled over to. */
        Tier routingTier;
        /** The deny or cache-only tier the spill-over led to, when it did. */
        Tier refusedBy;
        ConnectionPool pool;
        Channel upstream;
        UpstreamHandler relay;

        Exchange(HttpRequest request) {
            this.request = request;
            String id = request.headers().get(RequestIds.HEADER);
            if (id == null) {
                id = RequestIds.next();
                request.headers().set(RequestIds.HEADER, id);
            }
            this.requestId = id;
            this.clientVersion = request.protocolVersion();
            HttpMethod method = request.method();
            this.head = HttpMethod.HEAD.equals(method);
            this.idempotent = head || HttpMethod.GET.equals(method) || HttpMethod.PUT.equals(method)
                    || HttpMethod.DELETE.equals(method) || HttpMethod.OPTIONS.equals(method)
                    || HttpMethod.TRACE.equals(method);
        }

        @Override
        public void acquired(Channel channel, boolean reused) {
            if (finished || ex != this) {
                pool.release(channel, true);
                return;
            }
            attach(this, channel, reused);
        }

        @Override
        public void acquireFailed(UpstreamFailure failure, Throwable cause) {
            if (finished || ex != this) {
                return;
            }
            onAcquireFailed(this, failure, cause);
        }

        @Override
        public boolean cancelled() {
            return finished;
        }
    }
}
