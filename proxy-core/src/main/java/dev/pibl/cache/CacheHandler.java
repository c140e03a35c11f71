package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

import dev.pibl.http.AbsoluteForm;
import dev.pibl.http.ErrorResponses;
import dev.pibl.http.ProxyError;
import dev.pibl.http.ReadGate;
import dev.pibl.http.RequestIds;
import dev.pibl.http.ScoredRequest;
import dev.pibl.scoring.Decision;
import dev.pibl.scoring.Tier;
import dev.pibl.scoring.TierAction;
import dev.pibl.upstream.ProxyHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache stage of a client connection: {@code framing-guard → cache → proxy}. A thin Netty
 * adapter over {@link ResponseCache} and {@link CachePolicy}.
 *
 * <p>Inbound, it answers a request from the cache when it can (a hit never reaches the proxy
 * stage), holds it while a disk read or another client's fetch of the same URL is under way, or
 * passes it on, with the validators of a stale entry when that entry can be revalidated.
 * Outbound, it tees a storable response into the cache while it streams to the client (only up
 * to {@code cache.max-object-size}, never buffering a larger one), turns a backend's 304 into the
 * refreshed stored response, and a backend failure into a stale response when stale-if-error
 * allows. Every answer carries {@code X-Cache} and an RFC 9211 {@code Cache-Status}.
 *
 * <p>It serves one exchange at a time: a pipelined request waits here until the previous response
 * is complete, so hits are written in order. One instance per connection; every method runs on
 * the connection's event loop (completions of disk reads and of other connections' fetches are
 * handed back to it).
 */
public final class CacheHandler extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CacheHandler.class);
    /** Set on every answer: AsciiString names are hashed once, not per response. */
    static final AsciiString X_CACHE = AsciiString.cached("X-Cache");
    static final AsciiString CACHE_STATUS = AsciiString.cached("Cache-Status");
    /** Cache-Status names the cache by this token (RFC 9211 §2). */
    private static final String NAME = "pibl";

    private enum Body { FORWARD, HOLD, DISCARD }

    private final ResponseCache cache;
    private final CachePolicy policy;
    /** Targeted cache-control fields (RFC 9213): for PIBL, never forwarded to clients. */
    private final List<String> hiddenFields;
    private final BackgroundRefresh refresher;
    private final ArrayDeque<Object> queued = new ArrayDeque<>(2);
    private final List<HttpContent> held = new ArrayList<>(2);
    private ChannelHandlerContext ctx;
    private ReadGate gate;
    private Exchange ex;
    private Body body = Body.FORWARD;
    private boolean draining;
    private boolean drainSent;
    private boolean closed;
    /** Inside a read batch from the socket: the proxy stage gets its read-complete from the channel. */
    private boolean reading;
    /** An answer said Connection: close: requests pipelined after it are not processed (RFC 9112 §9.6). */
    private boolean closing;
    /** Inside forward() or write(): queued requests start only once those calls have returned. */
    private int depth;
    private boolean queueDue;

    public CacheHandler(ResponseCache cache, BackgroundRefresh refresher) {
        this.cache = requireNonNull(cache, "cache");
        this.policy = cache.policy();
        this.refresher = refresher;
        this.hiddenFields = List.of("CDN-Cache-Control", cache.config().targetedField());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.gate = ReadGate.of(ctx.channel());
    }

    // ------------------------------------------------------------------------------- inbound

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (closed || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!queued.isEmpty() || (msg instanceof HttpRequest && !canStart())) {
            queued.addLast(msg);
            updateReading();
            return;
        }
        dispatch(msg);
    }

    /**
     * A new request may start: the previous exchange is answered and the client reads what it is
     * sent (hits are written at once, so an unwritable connection must not take more requests).
     */
    private boolean canStart() {
        return ex == null && ctx.channel().isWritable();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            runQueued();
        }
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ProxyHandler.DRAIN) {
            draining = true;
            // A request waiting here is in flight too: the proxy stage learns of the drain once it
            // has it (or the hit that answers it closes the connection).
            if (ex == null || ex.forwarded) {
                sendDrain();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        Exchange e = ex;
        ex = null;
        if (e != null) {
            e.abandon();
        }
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(request);
        } else if (msg instanceof HttpContent content) {
            onRequestContent(content);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onRequestContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        switch (body) {
            case FORWARD -> ctx.fireChannelRead(content);
            case HOLD -> held.add(content);
            case DISCARD -> content.release();
        }
        if (last && body == Body.DISCARD) {
            body = Body.FORWARD;
        }
        updateReading();
    }

    private void onRequest(HttpRequest request) {
        Exchange e = new Exchange(request);
        ex = e;
        body = Body.HOLD;
        // As the client sent them: the proxy stage rewrites both before a replaced answer is written.
        e.clientKeepAlive = HttpUtil.isKeepAlive(request);
        e.http10 = request.protocolVersion().minorVersion() == 0;
        HttpMethod method = request.method();
        AbsoluteForm.toOriginForm(request);
        e.host = request.headers().get(HttpHeaderNames.HOST, "");
        e.target = request.uri();
        // Live until the request is forwarded (a hit needs no copy); forward() snapshots it then.
        HeaderView view = Views.of(request.headers());
        Decision decision = ScoredRequest.decisionOf(request);
        Tier tier = decision == null ? null : decision.tier();
        if (tier != null && tier.action() == TierAction.DENY) {
            // Denied clients get nothing, stored answers included: the proxy stage refuses them.
            e.plan = new CachePolicy.RequestPlan(false, "denied", false, -1, -1, -1, false, true);
            e.cacheStatus = "fwd=bypass; detail=denied";
            forward(e);
            return;
        }
        if (tier != null && tier.action() == TierAction.CACHE_ONLY) {
            e.cacheOnly = tier;
        }
        e.plan = policy.plan(method.name(), view);
        if (!e.plan.lookup() && e.cacheOnly != null) {
            notCached(e);
            return;
        }
        if (!e.plan.lookup()) {
            e.unsafe = !isSafe(method);
            e.cacheStatus = "fwd=" + e.plan.bypassReason();
            forward(e);
            return;
        }
        e.urlKey = CachePolicy.urlKey(e.host, e.target);
        e.requestView = view;
        e.variantKey = cache.variantKey(e.urlKey, e.requestView);
        ResponseCache.Cached inMemory = cache.inMemory(e.variantKey);
        if (inMemory != null) {
            decide(e, inMemory);
            return;
        }
        CacheEntry onDisk = cache.onDisk(e.variantKey);
        if (onDisk != null && policy.use(onDisk, e.plan, cache.now()) != CachePolicy.Use.UNUSABLE) {
            loadFromDisk(e, onDisk);
            return;
        }
        miss(e, null);
    }

    /** What to do with a stored response for the request of {@code e}. */
    private void decide(Exchange e, ResponseCache.Cached c) {
        switch (policy.use(c.entry(), e.plan, cache.now())) {
            case FRESH -> serve(e, c, "HIT", "hit");
            case STALE_WHILE_REVALIDATE -> {
                serve(e, c, "STALE", "hit; fwd=stale; detail=stale-while-revalidate");
                if (refresher != null && e.cacheOnly == null) { // a cache-only client makes no backend work
                    Decision decision = ScoredRequest.decisionOf(e.request);
                    refresher.refresh(ctx.channel().eventLoop(), e.urlKey, c, e.request.uri(), e.requestView,
                            decision == null ? null : decision.tier());
                }
            }
            case REVALIDATE -> {
                if (e.plan.onlyIfCached() || e.cacheOnly != null) {
                    notCached(e);
                    return;
                }
                e.stale = c;
                e.revalidating = true;
                e.cacheStatus = "fwd=stale";
                forward(e);
            }
            case UNUSABLE -> miss(e, c);
        }
    }

    private void loadFromDisk(Exchange e, CacheEntry onDisk) {
        e.waiting = true;
        updateReading();
        // A fresh body found only on disk is streamed from its file (sendfile where the transport
        // allows) and read into memory behind it for the next hits; the rest is decided in memory.
        boolean zeroCopy = onDisk.bodyLength() > 0 && policy.use(onDisk, e.plan, cache.now())
                == CachePolicy.Use.FRESH && !e.head && !CachePolicy.notModified(e.requestView, onDisk);
        if (zeroCopy) {
            cache.open(e.variantKey).whenComplete((file, error) -> ctx.executor().execute(() -> {
                if (ex != e || closed) {
                    closeQuietly(file);
                    return;
                }
                e.waiting = false;
                if (file == null) {
                    miss(e, null);
                } else {
                    serveFile(e, file);
                }
            }));
            return;
        }
        waitFor(e, cache.load(e.variantKey));
    }

    /** Decides once a disk read completes, back on this connection's loop. */
    private void waitFor(Exchange e, CompletableFuture<ResponseCache.Cached> read) {
        e.waiting = true;
        updateReading();
        read.whenComplete((c, error) -> ctx.executor().execute(() -> {
            if (ex != e || closed) {
                return;
            }
            e.waiting = false;
            if (error != null) {
                LOG.warn("cache read of {} failed", e.variantKey, error);
            }
            if (c == null) {
                miss(e, null);
            } else {
                decide(e, c);
            }
        }));
    }

    /** Nothing usable is stored: fetch it, or wait for the client already fetching it. */
    private void miss(Exchange e, ResponseCache.Cached unusable) {
        e.stale = unusable; // still good for stale-if-error
        if (e.plan.onlyIfCached() || e.cacheOnly != null) {
            notCached(e);
            return;
        }
        e.cacheStatus = unusable == null ? "fwd=miss" : "fwd=stale";
        if (!e.coalescable()) {
            forward(e);
            return;
        }
        Runnable waiter = () -> ctx.executor().execute(() -> flightLanded(e));
        Object joined = cache.coalescer().join(e.variantKey, waiter);
        if (joined instanceof Coalescer.Flight flight) {
            e.flight = flight;
            forward(e);
        } else if (joined == Coalescer.WAITING) {
            e.waiter = waiter;
            e.waiting = true;
            cache.stats().coalesced();
            e.waitTimeout = ctx.executor().schedule(() -> stopWaiting(e),
                    cache.config().coalesceTimeout().toNanos(), TimeUnit.NANOSECONDS);
            updateReading();
        } else {
            forward(e);
        }
    }

    /** The fetch this exchange waited for is over: serve what it stored, or fetch it ourselves. */
    private void flightLanded(Exchange e) {
        if (ex != e || closed || !e.waiting) {
            return;
        }
        e.waiting = false;
        e.waitTimeout.cancel(false);
        ResponseCache.Cached c = cache.inMemory(cache.variantKey(e.urlKey, e.requestView));
        if (c != null && policy.use(c.entry(), e.plan, cache.now()) == CachePolicy.Use.FRESH) {
            serve(e, c, "HIT", "hit; detail=collapsed");
            return;
        }
        e.cacheStatus = "fwd=miss; collapsed";
        forward(e);
    }

    private void stopWaiting(Exchange e) {
        if (ex != e || closed || !e.waiting) {
            return;
        }
        if (!cache.coalescer().leave(e.variantKey, e.waiter)) {
            return; // the flight landed at this moment; flightLanded is on its way
        }
        e.waiting = false;
        e.cacheStatus = "fwd=miss; detail=collapse-timeout";
        forward(e);
    }

    /** Hands the request to the proxy stage, with any body parts held meanwhile. */
    private void forward(Exchange e) {
        e.forwarded = true;
        e.requestTime = cache.now();
        HttpHeaders headers = e.request.headers();
        if (e.plan.lookup()) {
            // The client's fields as sent: the proxy stage and revalidation change the request's.
            e.requestView = Views.copyOf(headers);
        }
        if (e.revalidating) {
            // Our validators, not the client's: the answer must tell us about the stored response.
            headers.remove(HttpHeaderNames.IF_NONE_MATCH).remove(HttpHeaderNames.IF_MODIFIED_SINCE);
            CacheEntry stale = e.stale.entry();
            if (stale.etag() != null) {
                headers.set(HttpHeaderNames.IF_NONE_MATCH, stale.etag());
            }
            if (stale.lastModified() != null) {
                headers.set(HttpHeaderNames.IF_MODIFIED_SINCE, stale.lastModified());
            }
        }
        body = Body.FORWARD;
        // The proxy stage may answer (and this stage take the next request) while these go in:
        // hand over a copy, and start queued requests only once everything is handed over.
        List<HttpContent> parts = held.isEmpty() ? List.of() : new ArrayList<>(held);
        held.clear();
        depth++;
        try {
            ctx.fireChannelRead(e.request);
            for (HttpContent c : parts) {
                ctx.fireChannelRead(c);
            }
            if (draining) {
                sendDrain();
            }
        } finally {
            depth--;
        }
        runQueuedIfDue();
        updateReading();
        if (!reading) {
            // Forwarded from a timer or another loop's completion: the proxy stage batches its
            // writes to the backend until a read-complete, so give it one.
            ctx.fireChannelReadComplete();
        }
    }

    /**
     * Nothing usable is stored and no backend may be asked: 504 for only-if-cached (RFC 9111
     * §5.2.1.7), 429 with the tier's Retry-After for a client in a cache-only tier.
     */
    private void notCached(Exchange e) {
        discardRequestBody();
        boolean keepAlive = keepAlive(e);
        FullHttpResponse r;
        if (e.cacheOnly != null) {
            r = ErrorResponses.build(ctx.alloc(), ProxyError.CLIENT_REFUSED, "too many requests: tier "
                    + e.cacheOnly.name() + " is served from the cache only, and this is not in it",
                    requestId(e), !keepAlive);
            r.headers().set(HttpHeaderNames.RETRY_AFTER, Math.max(1, e.cacheOnly.retryAfter().toSeconds()));
            r.headers().set(CACHE_STATUS, NAME + "; fwd=miss; detail=cache-only");
        } else {
            r = ErrorResponses.build(ctx.alloc(), ProxyError.BACKEND_TIMEOUT,
                    "not in the cache (only-if-cached)", requestId(e), !keepAlive);
            r.headers().set(CACHE_STATUS, NAME + "; fwd=miss; detail=only-if-cached");
        }
        r.headers().set(X_CACHE, "MISS");
        cache.stats().answered("MISS", 0);
        writeAnswer(r, null, keepAlive);
        finish(e);
    }

    /** The id the access log gave the request, so the answer and the log line agree. */
    private static String requestId(Exchange e) {
        String id = e.request.headers().get(RequestIds.HEADER);
        return id != null ? id : RequestIds.next();
    }

    // ------------------------------------------------------------------------------- answering

    /** Answers {@code e} from {@code c}: 304 when the client's validators match, else the whole response. */
    private void serve(Exchange e, ResponseCache.Cached c, String xCache, String status) {
        discardRequestBody();
        boolean keepAlive = keepAlive(e);
        HttpResponse head = answerHead(e, c.entry(), xCache, status, keepAlive);
        writeAnswer(head, answerBody(e, head, c, xCache), keepAlive);
        finish(e);
    }

    /** Answers {@code e} from a stored file with zero-copy; the region closes the file once sent. */
    private void serveFile(Exchange e, DiskStore.FileBody file) {
        if (policy.use(file.entry(), e.plan, cache.now()) != CachePolicy.Use.FRESH
                || CachePolicy.notModified(e.requestView, file.entry())) {
            // Replaced since the index said fresh and unmatched: decide again from memory.
            closeQuietly(file);
            waitFor(e, cache.load(e.variantKey));
            return;
        }
        FileChannel channel = file.channel();
        discardRequestBody();
        boolean keepAlive = keepAlive(e);
        HttpResponse head = answerHead(e, file.entry(), "HIT", "hit", keepAlive);
        cache.stats().answered("HIT", file.bodyLength());
        ctx.write(head);
        ctx.write(new DefaultFileRegion(channel, file.bodyOffset(), file.bodyLength()));
        if (keepAlive) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        } else {
            closing = true;
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
        // Later hits come from memory: verifying the file's checksum on every hit would cost more
        // than the copy zero-copy saves.
        cache.load(e.variantKey);
        finish(e);
    }

    /** The stored body over its direct buffer (no copy), or nothing for HEAD and 304; counted. */
    private LastHttpContent answerBody(Exchange e, HttpResponse head, ResponseCache.Cached c, String xCache) {
        ByteBuf content = Unpooled.EMPTY_BUFFER;
        if (head.status().code() != 304 && !e.head && c.entry().bodyLength() > 0) {
            content = Unpooled.wrappedBuffer(c.body().duplicate());
        }
        cache.stats().answered(xCache, content.readableBytes());
        return new DefaultLastHttpContent(content);
    }

    private HttpResponse answerHead(Exchange e, CacheEntry entry, String xCache, String status, boolean keepAlive) {
        long now = cache.now();
        boolean notModified = CachePolicy.notModified(e.requestView, entry);
        HttpResponseStatus code = notModified ? HttpResponseStatus.NOT_MODIFIED
                : HttpResponseStatus.valueOf(entry.status(), entry.reason());
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, code, Views.headersFactory());
        HttpHeaders h = head.headers();
        for (Header field : entry.headers()) {
            if (!HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(field.name())) {
                h.add(field.name(), field.value());
            }
        }
        if (!notModified && entry.status() != 204) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, entry.bodyLength());
        }
        h.set(HttpHeaderNames.AGE, Math.max(0, entry.age(now) / 1000));
        h.set(X_CACHE, xCache);
        h.set(CACHE_STATUS, NAME + "; " + status + "; ttl=" + entry.ttl(now) / 1000);
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (e.http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return head;
    }

    /** Writes a whole answer; one that closes the connection ends this stage's work on it. */
    private void writeAnswer(HttpResponse head, LastHttpContent last, boolean keepAlive) {
        Object end = head instanceof FullHttpResponse ? head : last;
        if (end != head) {
            ctx.write(head, ctx.voidPromise());
        }
        if (keepAlive) {
            ctx.writeAndFlush(end, ctx.voidPromise());
            return;
        }
        closing = true;
        ctx.writeAndFlush(end).addListener(ChannelFutureListener.CLOSE);
    }

    /** Whether the client's connection stays open after this exchange (as it asked, unless draining). */
    private boolean keepAlive(Exchange e) {
        return !draining && e.clientKeepAlive;
    }

    // ------------------------------------------------------------------------------- outbound

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Exchange e = ex;
        if (e == null || !e.forwarded) {
            ctx.write(msg, promise);
            return;
        }
        depth++;
        try {
            writeForwarded(e, msg, promise);
        } finally {
            depth--;
        }
        runQueuedIfDue();
    }

    private void writeForwarded(Exchange e, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                ctx.write(msg, promise);
                return;
            }
            onResponseHead(e, response);
        }
        boolean last = msg instanceof LastHttpContent;
        if (e.replacement != null) {
            ReferenceCountUtil.release(msg);
            if (last) {
                answerInstead(e, promise);
            } else {
                promise.trySuccess();
            }
            return;
        }
        if (e.tee != null && msg instanceof HttpContent content) {
            tee(e, content.content());
        }
        ctx.write(msg, promise);
        if (last) {
            responseComplete(e);
        }
    }

    private void onResponseHead(Exchange e, HttpResponse response) {
        int code = response.status().code();
        long now = cache.now();
        e.responseTime = now;
        HttpHeaders headers = response.headers();
        e.closeAfter = headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        if (e.closeAfter) {
            closing = true; // the proxy stage closes after this answer
        }
        if (e.revalidating && code == 304) {
            HeaderView notModified = Views.of(headers);
            CacheEntry refreshed = policy.refreshed(e.stale.entry(), notModified, e.requestTime, now);
            if (refreshed.keepUntil() <= now) {
                cache.invalidate(e.urlKey); // the 304 now says no-store or private: answer this once, keep nothing
            } else {
                cache.store(e.urlKey, refreshed, e.stale.body());
            }
            e.replace(new ResponseCache.Cached(refreshed, e.stale.body()), "REVALIDATED", "fwd=stale; fwd-status=304");
            return;
        }
        if (e.stale != null && code >= 500 && policy.staleIfError(e.stale.entry(), e.plan, now)) {
            e.replace(e.stale, "STALE", "fwd=stale; fwd-status=" + code + "; detail=stale-if-error");
            return;
        }
        String xCache = "BYPASS";
        String stored = "";
        if (e.plan.lookup()) {
            xCache = "MISS";
            String why = e.plan.noStore() ? "no-store"
                    : policy.notStorable(e.request.method().name(), e.requestView, code, Views.of(headers));
            if (why == null && e.head) {
                why = "head";
            }
            long length = HttpUtil.getContentLength(response, -1L);
            if (why == null && length > cache.config().maxObjectSize()) {
                why = "too-large";
            }
            if (why == null) {
                e.tee = ctx.alloc().compositeDirectBuffer(Integer.MAX_VALUE);
                e.responseStatus = code;
                e.responseReason = response.status().reasonPhrase();
                e.responseView = Views.copyOf(headers);
                // Said only when it is sure: a body of unknown length may yet outgrow max-object-size.
                stored = length >= 0 ? "; stored" : "";
            } else {
                stored = "; detail=" + why;
                e.endFlight(); // nothing will be stored: waiters go to a backend now, not after the body
            }
            if (e.revalidating) {
                e.cacheStatus = "fwd=stale; fwd-status=" + code;
            }
        } else if (e.unsafe && code < 400) {
            invalidate(e, headers);
        }
        for (String hidden : hiddenFields) {
            headers.remove(hidden);
        }
        headers.set(X_CACHE, xCache);
        headers.set(CACHE_STATUS, NAME + "; " + e.cacheStatus + stored);
        cache.stats().answered(xCache, 0);
    }

    private void tee(Exchange e, ByteBuf content) {
        int n = content.readableBytes();
        if (n == 0) {
            return;
        }
        if (e.tee.readableBytes() + (long) n > cache.config().maxObjectSize()) {
            e.dropTee(); // chunked and larger than announced: stream it on uncached
            e.endFlight();
            return;
        }
        e.tee.addComponent(true, content.retainedSlice());
    }

    /** The response streamed out whole: store what was teed, then serve the next request. */
    private void responseComplete(Exchange e) {
        if (e.tee != null) {
            CompositeByteBuf tee = e.tee;
            e.tee = null;
            List<String> vary = CachePolicy.varyNames(e.responseView);
            String key = CachePolicy.variantKey(e.urlKey, vary, e.requestView);
            CacheEntry entry = policy.entry(key, e.requestView, e.responseStatus, e.responseReason, e.responseView,
                    e.requestTime, e.responseTime, tee.readableBytes());
            // Waiters are let go once it is stored; the connection goes on at once.
            Coalescer.Flight flight = e.flight;
            e.flight = null;
            String urlKey = e.urlKey;
            try {
                cache.storeLater(() -> cache.store(urlKey, entry, copyOut(tee)), () -> {
                    if (flight != null) {
                        flight.finish();
                    }
                });
            } catch (RejectedExecutionException stopping) {
                tee.release();
            }
        }
        finish(e);
    }

    /**
     * The teed body as a direct buffer of its own, and the tee released. Runs on the cache's
     * executor: reserving direct memory may wait for a garbage collection, never on an event loop.
     */
    static ByteBuffer copyOut(ByteBuf tee) {
        try {
            ByteBuffer body = ByteBuffer.allocateDirect(tee.readableBytes());
            tee.getBytes(tee.readerIndex(), body);
            return body.flip();
        } finally {
            tee.release();
        }
    }

    /** Writes the stored response that replaces a swallowed 304 or failure, with the promise of its end. */
    private void answerInstead(Exchange e, ChannelPromise promise) {
        ResponseCache.Cached c = e.replacement;
        boolean keepAlive = keepAlive(e) && !e.closeAfter;
        if (!keepAlive) {
            closing = true;
        }
        HttpResponse head = answerHead(e, c.entry(), e.replacementXCache, e.replacementStatus, keepAlive);
        LastHttpContent body = answerBody(e, head, c, e.replacementXCache);
        ctx.write(head);
        ctx.write(body, promise);
        finish(e);
    }

    /** RFC 9111 §4.4: a successful unsafe request invalidates what is stored for its URL. */
    private void invalidate(Exchange e, HttpHeaders responseHeaders) {
        for (String urlKey : CachePolicy.invalidated(e.host, 200, Views.of(responseHeaders), e.target)) {
            cache.invalidate(urlKey);
        }
    }

    // ------------------------------------------------------------------------------- bookkeeping

    /** The exchange is answered: end its flight, then take the next queued request. */
    private void finish(Exchange e) {
        if (ex == e) {
            ex = null;
        }
        e.dropTee();
        e.endFlight();
        if (closing) {
            releaseAll(); // pipelined after a closing answer: never processed
        }
        runQueued();
    }

    private void runQueuedIfDue() {
        if (queueDue && depth == 0) {
            queueDue = false;
            runQueued();
        }
    }

    /** Takes queued messages while requests may start; deferred while inside forward() or write(). */
    private void runQueued() {
        if (depth > 0) {
            queueDue = true;
            return;
        }
        Object msg;
        boolean dispatched = false;
        while (!closed && !closing && (msg = queued.peekFirst()) != null
                && !(msg instanceof HttpRequest && !canStart())) {
            queued.pollFirst();
            dispatched = true;
            boolean was = reading;
            reading = true; // forward() must not send a read-complete per message: one follows
            dispatch(msg);
            reading = was;
        }
        updateReading();
        if (dispatched && !reading) {
            ctx.fireChannelReadComplete();
        }
    }

    /** The request is answered here: drop its body, what was held and what is still to come. */
    private void discardRequestBody() {
        boolean ended = false;
        for (HttpContent c : held) {
            ended |= c instanceof LastHttpContent;
            c.release();
        }
        held.clear();
        body = ended ? Body.FORWARD : Body.DISCARD;
    }

    private void updateReading() {
        gate.cache(!closed && !closing && queued.isEmpty() && body != Body.HOLD && ctx.channel().isWritable());
    }

    private void sendDrain() {
        if (!drainSent) {
            drainSent = true;
            ctx.fireUserEventTriggered(ProxyHandler.DRAIN);
        }
    }

    private void releaseAll() {
        Object msg;
        while ((msg = queued.pollFirst()) != null) {
            ReferenceCountUtil.release(msg);
        }
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    private static void closeQuietly(DiskStore.FileBody file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // nothing was sent from it
            }
        }
    }

    private static boolean isSafe(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.TRACE);
    }

    /** One request and what the cache does for it. */
    private final class Exchange {
        final HttpRequest request;
        final boolean head;
        CachePolicy.RequestPlan plan;
        String host;
        String target;
        String urlKey;
        String variantKey;
        HeaderView requestView;
        boolean unsafe;
        /** The client's cache-only tier: answered from the cache or refused, never forwarded. */
        Tier cacheOnly;
        String cacheStatus = "fwd=miss";
        /** A stored response that cannot be served as is: revalidated, or kept for stale-if-error. */
        ResponseCache.Cached stale;
        boolean revalidating;
        boolean waiting;
        boolean forwarded;
        Coalescer.Flight flight;
        Runnable waiter;
        ScheduledFuture<?> waitTimeout;
        long requestTime;
        long responseTime;
        boolean closeAfter;
        boolean clientKeepAlive;
        boolean http10;
        // the response being teed into the cache
        CompositeByteBuf tee;
        int responseStatus;
        String responseReason;
        HeaderView responseView;
        // a stored response written instead of the backend's
        ResponseCache.Cached replacement;
        String replacementXCache;
        String replacementStatus;

        Exchange(HttpRequest request) {
            this.request = request;
            this.head = request.method().equals(HttpMethod.HEAD);
        }

        /** Only bodiless GETs wait for another client's fetch: HEAD and the rest go on their own. */
        boolean coalescable() {
            return !head && request.method().equals(HttpMethod.GET) && !HttpUtil.isTransferEncodingChunked(request)
                    && HttpUtil.getContentLength(request, 0L) == 0;
        }

        void replace(ResponseCache.Cached with, String xCache, String status) {
            replacement = with;
            replacementXCache = xCache;
            replacementStatus = status;
        }

        /** Lets the clients waiting for this exchange's response go on. Idempotent. */
        void endFlight() {
            if (flight != null) {
                Coalescer.Flight f = flight;
                flight = null;
                f.finish();
            }
        }

        void dropTee() {
            if (tee != null) {
                tee.release();
                tee = null;
            }
        }

        /** The connection closed mid-exchange: nothing is stored, waiters go on without us. */
        void abandon() {
            dropTee();
            if (waitTimeout != null) {
                waitTimeout.cancel(false);
            }
            if (waiter != null) {
                cache.coalescer().leave(variantKey, waiter);
            }
            endFlight();
        }
    }
}
