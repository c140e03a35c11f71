package dev.pibl.logging;

import static java.util.Objects.requireNonNull;

import dev.pibl.http.RequestIds;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * Writes one access-log line per exchange. Sits right after the HTTP codec, so it sees every
 * decoded request (rejected ones too) and every response on its way out, whoever produced it.
 *
 * <p>Inbound it gives each request an id (the {@code X-Request-Id} header, replacing any the
 * client sent, so ids in our logs are ours) and counts body bytes; outbound it takes the final
 * response's status and counts body bytes, and emits the line when the last content is written.
 * Pipelined requests queue in arrival order and responses complete them in the same order;
 * interim 1xx responses are not exchanges of their own. A response with no request (408 on a
 * half-sent head) is logged with {@code -} for the request fields. When the connection closes
 * with exchanges unfinished they are logged too: 499 if no response had started (nginx's "client
 * closed"), or the started status with {@code aborted=}.
 *
 * <p>The proxy stage adds the chosen backend and the upstream time with {@link #noteBackend} and
 * {@link #noteUpstream}, the time to the backend's response head with {@link #noteResponseHead}, and
 * the reason of an error it answers with {@link #noteFailure}. The {@link ExchangeObserver}, if
 * any, hears of each exchange as its line is written. One instance per connection; event loop only.
 */
public final class AccessLogHandler extends ChannelDuplexHandler {

    private static final AsciiString X_CACHE = AsciiString.cached("x-cache");

    private final AccessLog log;
    private final ExchangeObserver observer;
    private final ArrayDeque<AccessLogRecord> exchanges = new ArrayDeque<>(2);
    private Ticker ticker;
    private EventExecutor loop;
    private String clientIp = "-";

    public AccessLogHandler(AccessLog log) {
        this(log, null);
    }

    /** @param observer told of every exchange as its line is written; null for none */
    public AccessLogHandler(AccessLog log, ExchangeObserver observer) {
        this.log = requireNonNull(log, "log");
        this.observer = observer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        loop = ctx.executor();
        ticker = loop.ticker();
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            clientIp = inet.getAddress().getHostAddress();
        } else if (remote != null) {
            clientIp = remote.toString();
        }
    }

    /** The backend the current exchange (the oldest unanswered one) was sent to. */
    public void noteBackend(String backend) {
        AccessLogRecord r = exchanges.peekFirst();
        if (r != null) {
            r.backend = backend;
        }
    }

    /** Time spent on the upstream side of the current exchange. */
    public void noteUpstream(long nanos) {
        AccessLogRecord r = exchanges.peekFirst();
        if (r != null) {
            r.upstreamNanos = nanos;
        }
    }

    /** Time from picking a backend to its response head, for the current exchange. */
    public void noteResponseHead(long nanos) {
        AccessLogRecord r = exchanges.peekFirst();
        if (r != null) {
            r.upstreamHeadNanos = nanos;
        }
    }

    /** Why PIBL answers the current exchange with an error of its own (a short sentence). */
    public void noteFailure(String reason) {
        AccessLogRecord r = exchanges.peekFirst();
        if (r != null) {
            r.failure = reason;
        }
    }

    /**
     * The scoring part of the newest request's line, created on first use; null when no request is
     * waiting for its response. Called by the scoring stage as the request reaches it, before any
     * later request can have arrived; a stage that holds requests takes it before holding them.
     */
    public ScoreNote noteScoring() {
        AccessLogRecord r = exchanges.peekLast();
        if (r == null || r.responseStarted) {
            return null;
        }
        if (r.scoring == null) {
            r.scoring = new ScoreNote();
        }
        return r.scoring;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure() && !ctx.channel().isActive()) {
                // The codec flushing a half-sent head as the connection closed: not an exchange.
                ctx.fireChannelRead(msg);
                return;
            }
            AccessLogRecord r = new AccessLogRecord();
            r.startNanos = ticker.nanoTime();
            r.requestId = RequestIds.next();
            r.clientIp = clientIp;
            r.method = request.method().name();
            r.uri = request.uri();
            r.protocol = request.protocolVersion().text();
            request.headers().set(RequestIds.HEADER, r.requestId);
            r.withHeaders = log.logsHeaders(); // once per exchange: a reload mid-way must not log half
            if (r.withHeaders) {
                r.requestHeaders = AccessLog.capture(request.headers());
            }
            exchanges.addLast(r);
        }
        if (msg instanceof HttpContent content) {
            AccessLogRecord r = exchanges.peekLast();
            if (r != null) {
                r.bytesIn += content.content().readableBytes();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                ctx.write(msg, promise);
                return;
            }
            AccessLogRecord r = exchanges.peekFirst();
            if (r == null || r.responseStarted) {
                r = orphan(response);
                exchanges.addFirst(r);
            }
            r.status = response.status().code();
            r.responseStarted = true;
            r.cache = response.headers().get(X_CACHE);
            if (r.withHeaders) {
                r.responseHeaders = AccessLog.capture(response.headers());
            }
        }
        if (msg instanceof FileRegion region) {
            AccessLogRecord r = exchanges.peekFirst();
            if (r != null) {
                r.bytesOut += region.count(); // a cached body sent from its file
            }
        }
        if (msg instanceof HttpContent content) {
            AccessLogRecord r = exchanges.peekFirst();
            if (r != null) {
                r.bytesOut += content.content().readableBytes();
                if (msg instanceof LastHttpContent) {
                    exchanges.pollFirst();
                    finish(r, null);
                }
            }
        }
        ctx.write(msg, promise);
    }

    private AccessLogRecord orphan(HttpResponse response) {
        AccessLogRecord r = new AccessLogRecord();
        r.startNanos = ticker.nanoTime();
        String id = response.headers().get(RequestIds.HEADER);
        r.requestId = id != null ? id : RequestIds.next();
        r.clientIp = clientIp;
        r.withHeaders = log.logsHeaders();
        return r;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        AccessLogRecord r;
        while ((r = exchanges.pollFirst()) != null) {
            if (!r.responseStarted) {
                r.status = 499;
                finish(r, "client-closed");
            } else {
                finish(r, "connection-closed");
            }
        }
        ctx.fireChannelInactive();
    }

    private void finish(AccessLogRecord r, String aborted) {
        r.durationNanos = ticker.nanoTime() - r.startNanos;
        r.aborted = aborted;
        log.emit(r, loop);
        if (observer != null) {
            observer.completed(r);
        }
        if (r.scoring != null && r.scoring.observer != null) {
            boolean hit = isCacheHit(r.cache);
            r.scoring.observer.completed(r.status, r.bytesIn, r.bytesOut, hit, r.backend == null && !hit);
        }
    }

    private static boolean isCacheHit(String verdict) {
        return "HIT".equals(verdict) || "STALE".equals(verdict) || "REVALIDATED".equals(verdict);
    }
}
