package dev.pibl.http;

import static java.util.Objects.requireNonNull;

import dev.pibl.logging.AccessLogHandler;
import dev.pibl.logging.ScoreNote;
import dev.pibl.scoring.ClientActivity;
import dev.pibl.scoring.ClientKeys;
import dev.pibl.scoring.Decision;
import dev.pibl.scoring.ScoringService;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/**
 * The scoring stage: decides which tier each request's client is in and passes the request on as
 * a {@link ScoredRequest} carrying that {@link Decision}.
 *
 * <p>Where it sits: after the framing guard (so it sees only well-framed requests) and before the
 * cache and proxy stages, which act on the decision (route to the tier's pool, deny, or answer
 * from the cache only). What it sends: nothing of its own; every request goes on, in order.
 *
 * <p>Per request it works out the client (the peer, or behind a trusted proxy the address the
 * forwarding header names), records the request in the client's behaviour, and asks the
 * {@link ScoringService}. A client without a usable score whose score is being fetched makes the
 * request wait, up to the scorer's deadline, with reading paused and later messages held in
 * order; then it goes on with the fallback tier. The access log learns the client, score, tier and
 * model, and tells the client's behaviour how the exchange ended.
 *
 * <p>It reads the scoring in force for each request, so a reload can change the model, the tiers
 * or the policy on an open connection; while the policy is not score there is none, and requests
 * pass straight on.
 *
 * <p>One instance per client connection; every method runs on its event loop (scores arriving on
 * another thread are handed back to it).
 */
public final class ScoringHandler extends ChannelInboundHandlerAdapter {

    /** A connection counts towards at most this many clients' connection feature (proxies mix clients). */
    private static final int MAX_CLIENTS_PER_CONNECTION = 8;

    /** What the stage scores with: the service and how it tells clients apart. */
    public interface Source {
        ScoringService service();

        ClientKeys keys();
    }

    private final Supplier<? extends Source> live;
    /** The source in use: {@link #live}'s answer when the last request arrived; null while score balancing is off. */
    private Source active;
    private ScoringService service;
    private ClientKeys keys;
    private AsciiString headerName;
    private final ArrayDeque<Object> held = new ArrayDeque<>(2);
    private final ClientActivity[] counted = new ClientActivity[MAX_CLIENTS_PER_CONNECTION];
    private int countedSize;
    private ChannelHandlerContext ctx;
    private AccessLogHandler accessLog;
    private ReadGate gate;
    private InetAddress peer;
    private String peerKey;
    private String peerIp;
    private Waiting waiting;
    private boolean reading;
    private boolean closed;

    /** Scoring with {@code service} and {@code keys} for good. */
    public ScoringHandler(ScoringService service, ClientKeys keys) {
        this(fixed(requireNonNull(service, "service"), requireNonNull(keys, "keys")));
    }

    /**
     * Scoring with whatever {@code live} says when each request arrives (a reload changes it); a
     * null answer (the policy is not score) passes requests on unscored.
     */
    public ScoringHandler(Supplier<? extends Source> live) {
        this.live = requireNonNull(live, "live");
    }

    private static Supplier<Source> fixed(ScoringService service, ClientKeys keys) {
        Source source = sourceOf(service, keys);
        return () -> source;
    }

    /** A source that is {@code service} and {@code keys}. */
    static Source sourceOf(ScoringService service, ClientKeys keys) {
        return new Source() {
            @Override
            public ScoringService service() {
                return service;
            }

            @Override
            public ClientKeys keys() {
                return keys;
            }
        };
    }

    /**
     * Takes up {@code source} if it is not the one in use: the connection stops counting towards
     * the clients of the old one (their tracker may be gone) and finds its peer's key anew.
     */
    private void use(Source source) {
        if (source == active) {
            return;
        }
        releaseCounted();
        active = source;
        if (source == null) {
            service = null;
            keys = null;
            return;
        }
        service = source.service();
        keys = source.keys();
        headerName = keys.header() == ClientKeys.Header.FORWARDED
                ? ForwardedHeaders.FORWARDED
                : ForwardedHeaders.X_FORWARDED_FOR;
        peerKey = keys.key(peer);
    }

    private void releaseCounted() {
        for (int i = 0; i < countedSize; i++) {
            counted[i].connectionClosed();
            counted[i] = null;
        }
        countedSize = 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.accessLog = ctx.pipeline().get(AccessLogHandler.class);
        this.gate = ReadGate.of(ctx.channel());
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            peer = inet.getAddress();
        } else {
            peer = InetAddress.getLoopbackAddress(); // an embedded or local channel: one client
        }
        peerIp = ClientKeys.text(peer);
        use(live.get());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (waiting != null || !held.isEmpty()) {
            // Behind the request waiting for its score: order is kept. A request's log note and
            // arrival are taken now: later requests reach the access log while this one waits,
            // and its deadline runs from when it came.
            held.addLast(msg instanceof HttpRequest request
                    ? new HeldRequest(request, note(), ctx.executor().ticker().nanoTime())
                    : msg);
            return;
        }
        handle(msg);
    }

    private ScoreNote note() {
        return accessLog == null ? null : accessLog.noteScoring();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (waiting != null || !held.isEmpty()) {
            // Behind the held requests, as it came: a drain overtaking them would close the
            // connection before the proxy stage has even seen the request waiting for its score.
            held.addLast(new HeldEvent(evt));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (waiting != null) {
            waiting.timer.cancel(false);
            waiting = null;
        }
        Object msg;
        while ((msg = held.pollFirst()) != null) {
            ReferenceCountUtil.release(msg);
        }
        releaseCounted();
        ctx.fireChannelInactive();
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequest(request, note(), ctx.executor().ticker().nanoTime());
        } else if (msg instanceof HeldRequest held) {
            onRequest(held.request(), held.note(), held.arrivedNanos());
        } else if (msg instanceof HeldEvent event) {
            ctx.fireUserEventTriggered(event.event());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onRequest(HttpRequest request, ScoreNote note, long arrivedNanos) {
        use(live.get());
        if (service == null) {
            ctx.fireChannelRead(request); // score balancing is off (since a reload): nothing to decide
            return;
        }
        String key = peerKey;
        String ip = peerIp;
        if (keys.usesHeader() && request.headers().contains(headerName)) {
            List<String> fields = request.headers().getAll(headerName);
            InetAddress client = keys.clientAddress(peer, fields);
            if (!client.equals(peer)) {
                key = keys.key(client);
                ip = ClientKeys.text(client);
            }
        }
        ClientActivity client = service.clients().activity(key);
        countConnection(client);
        if (note != null) {
            note.clientKey(key);
        }
        Decision decision = service.onRequest(client, ip, request.method().name(), request.uri(),
                request.headers().get(HttpHeaderNames.USER_AGENT), ctx.executor());
        if (!decision.isPending()) {
            pass(request, client, decision, note);
            return;
        }
        // The wait is counted from the request's arrival: one held behind another's wait has
        // already spent part of it, and may have none left.
        long left = arrivedNanos + service.waitNanos() - ctx.executor().ticker().nanoTime();
        if (left <= 0) {
            pass(request, client, service.fallback(client, noScoreWithin()), note);
            return;
        }
        Waiting w = new Waiting(request, client, note);
        waiting = w;
        gate.scoring(false);
        w.timer = ctx.executor().schedule(() -> resolve(w, null), left, TimeUnit.NANOSECONDS);
        decision.pending().whenComplete((d, error) -> {
            if (ctx.executor().inEventLoop()) {
                resolve(w, d);
            } else {
                ctx.executor().execute(() -> resolve(w, d));
            }
        });
    }

    /** The score {@code w} waited for arrived ({@code decision}), or the wait ran out (null). */
    private void resolve(Waiting w, Decision decision) {
        if (waiting != w || closed) {
            return;
        }
        waiting = null;
        w.timer.cancel(false);
        if (decision == null || decision.isPending()) {
            decision = service.fallback(w.client, noScoreWithin());
        }
        pass(w.request, w.client, decision, w.note);
        Object msg;
        while (waiting == null && !closed && (msg = held.pollFirst()) != null) {
            handle(msg);
        }
        if (waiting == null) {
            gate.scoring(true);
        }
        if (!reading) {
            // Passed on from a timer or a scorer's completion: later stages batch their writes
            // until a read-complete, so give them one.
            ctx.fireChannelReadComplete();
        }
    }

    private String noScoreWithin() {
        return "no score within " + TimeUnit.NANOSECONDS.toMillis(service.waitNanos()) + "ms";
    }

    private void pass(HttpRequest request, ClientActivity client, Decision decision, ScoreNote note) {
        // The service that scored this request hears how it ended, even if a reload has given the
        // connection another one (or none) by then.
        ScoringService scoredBy = service;
        scoredBy.routed(decision);
        if (note != null) {
            // PIBL's own refusals (a tier's 429) are not the client's behaviour: counted as 4xx they
            // would keep a denied client denied after it calmed down. Its requests still count
            // towards its rates.
            note.observer((status, in, out, hit, byProxy) -> {
                if (!(byProxy && status == 429)) {
                    scoredBy.onResponse(client, status, in, out, hit);
                }
            });
            note.decision(decision.score(), decision.tier().name(), decision.isFallback(), decision.model());
            if (service.shadow() != null) {
                note.shadow(decision.shadowScore());
            }
        }
        ctx.fireChannelRead(new ScoredRequest(request, decision));
    }

    /** Counts this connection once towards each client whose requests it carries. */
    private void countConnection(ClientActivity client) {
        for (int i = 0; i < countedSize; i++) {
            if (counted[i] == client) {
                return;
            }
        }
        if (countedSize == counted.length) {
            return;
        }
        counted[countedSize++] = client;
        client.connectionOpened();
    }

    /** A request held behind another's wait, with its log note and arrival time. */
    private record HeldRequest(HttpRequest request, ScoreNote note, long arrivedNanos) {
    }

    /** A user event that arrived while requests were held, kept in its place among them. */
    private record HeldEvent(Object event) {
    }

    private static final class Waiting {
        final HttpRequest request;
        final ClientActivity client;
        final ScoreNote note;
        ScheduledFuture<?> timer;

        Waiting(HttpRequest request, ClientActivity client, ScoreNote note) {
            this.request = request;
            this.client = client;
            this.note = note;
        }
    }
}
