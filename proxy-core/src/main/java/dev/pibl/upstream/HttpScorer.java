package dev.pibl.upstream;

import static java.util.Objects.requireNonNull;

import dev.pibl.config.Durations;
import dev.pibl.scoring.CircuitBreaker;
import dev.pibl.scoring.ScoreRequest;
import dev.pibl.scoring.Scorer;
import dev.pibl.scoring.ScorerException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The {@code http} scorer: asks a scoring service over HTTP/1.1 for each client's score, as the
 * original system's Flask service ({@code GET /score_ip?ip=<ip>} answering {@code {"score": 0.93}}),
 * without ever blocking an event loop.
 *
 * <p>Each call runs on the event loop of the request that asked ({@link ScoreRequest#executor()}),
 * over a keep-alive connection from that loop's own small pool, so a steady stream of calls reuses
 * connections and takes no lock. A call ends within {@code timeout} (connecting included). At most
 * {@code maxConcurrent} calls are in flight across all loops; more are refused at once. A
 * {@link CircuitBreaker} stops calling a service that keeps failing. Nothing here caches scores or
 * picks a fallback: the caller does.
 *
 * <p>{@link #score} may be called from any thread, normally the requesting connection's event
 * loop; the returned stage completes on that loop (or at once, already completed, when the call is
 * refused). {@link #stats()} and {@link #close()} may be called from any thread.
 */
public final class HttpScorer implements Scorer {

    /** How the service is asked. */
    public enum Method {
        /** {@code GET <path>?<queryParameter>=<client ip>}: the original system's shape. */
        GET,
        /** {@code POST <path>} with a JSON body: the client's ip, key and features. */
        POST
    }

    /**
     * What the {@code http} scorer calls and how long it waits.
     *
     * @param url             the service: {@code http://host[:port]/path[?query]}; the host is resolved once,
     *                        when the scorer is created
     * @param method          GET (the client's IP in the query) or POST (a JSON body)
     * @param queryParameter  the query parameter that carries the client's IP in a GET
     * @param scoreField      the field of the JSON answer that holds the score
     * @param timeout         how long a call may take, connecting included
     * @param maxConcurrent   calls in flight at once across all event loops
     * @param circuitFailures consecutive failures that open the circuit
     * @param circuitOpenFor  how long an open circuit refuses calls before it lets a trial through
     */
    public record Settings(URI url, Method method, String queryParameter, String scoreField, Duration timeout,
            int maxConcurrent, int circuitFailures, Duration circuitOpenFor) {

        public Settings {
            requireNonNull(url, "url");
            requireNonNull(method, "method");
            requireNonNull(queryParameter, "queryParameter");
            requireNonNull(scoreField, "scoreField");
            requireNonNull(timeout, "timeout");
            requireNonNull(circuitOpenFor, "circuitOpenFor");
            if (url.getScheme() == null || !url.getScheme().toLowerCase(Locale.ROOT).equals("http")) {
                throw new IllegalArgumentException("url: " + url + " (expected: an http:// URL)");
            }
            if (url.getHost() == null || url.getHost().isEmpty()) {
                throw new IllegalArgumentException("url: " + url + " (expected: a host name or address)");
            }
            if (queryParameter.isEmpty()) {
                throw new IllegalArgumentException("queryParameter: \"\" (expected: a parameter name)");
            }
            if (scoreField.isEmpty()) {
                throw new IllegalArgumentException("scoreField: \"\" (expected: a field name)");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
            }
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("maxConcurrent: " + maxConcurrent + " (expected: >= 1)");
            }
            if (circuitFailures < 1) {
                throw new IllegalArgumentException("circuitFailures: " + circuitFailures + " (expected: >= 1)");
            }
            if (circuitOpenFor.isNegative() || circuitOpenFor.isZero()) {
                throw new IllegalArgumentException("circuitOpenFor: " + circuitOpenFor + " (expected: > 0)");
            }
        }
    }

    /**
     * The scorer's counters since it was created. Every call counts once in {@code calls} and once
     * in exactly one of the outcomes (successes, errors, timeouts, overloaded,
     * circuitOpenRejections), except calls still in flight.
     *
     * @param openConnections connections to the service open now, idle or in use
     */
    public record Stats(long calls, long successes, long errors, long timeouts, long overloaded,
            long circuitOpenRejections, CircuitBreaker.State circuitState, int openConnections) {
    }

    /** Idle connections a loop keeps; more than a few per loop would only hold sockets open. */
    private static final int MAX_IDLE_PER_LOOP = 8;

    private final Settings settings;
    private final Class<? extends SocketChannel> channelClass;
    private final InetSocketAddress address;
    private final ScorerProtocol protocol;
    private final CircuitBreaker breaker;
    private final long timeoutNanos;
    private final String timeoutText;
    private final ConcurrentHashMap<EventLoop, ScorerConnections> loops = new ConcurrentHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup("http-scorer", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder calls = new LongAdder();
    private final LongAdder successes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final LongAdder circuitOpenRejections = new LongAdder();
    private volatile boolean closed;

    /**
     * Resolves the service's host now, on the calling thread, so that no call ever waits for DNS on
     * an event loop (a changed address is seen only by a new scorer).
     *
     * @param channelClass the client socket channel class of the event loops' transport
     * @param nanoClock    the circuit breaker's clock
     * @throws IllegalArgumentException when the host cannot be resolved
     */
    public HttpScorer(Settings settings, Class<? extends SocketChannel> channelClass, LongSupplier nanoClock) {
        this.settings = requireNonNull(settings, "settings");
        this.channelClass = requireNonNull(channelClass, "channelClass");
        URI url = settings.url();
        try {
            this.address = new InetSocketAddress(InetAddress.getByName(url.getHost()),
                    url.getPort() == -1 ? 80 : url.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("url: " + url + " (cannot resolve host \"" + url.getHost() + "\")", e);
        }
        this.protocol = new ScorerProtocol(settings);
        this.breaker = new CircuitBreaker(settings.circuitFailures(), settings.circuitOpenFor(), nanoClock);
        this.timeoutNanos = settings.timeout().toNanos();
        this.timeoutText = settings.timeout().toNanosPart() % 1_000_000 == 0
                ? Durations.format(settings.timeout()) : settings.timeout().toString();
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public String version() {
        return settings.url().toString();
    }

    /**
     * @throws IllegalArgumentException when the request's executor is not a Netty event loop
     */
    @Override
    public CompletionStage<Double> score(ScoreRequest request) {
        requireNonNull(request, "request");
        if (!(request.executor() instanceof EventLoop loop)) {
            throw new IllegalArgumentException("executor: " + request.executor() + " (expected: a Netty event loop)");
        }
        calls.increment();
        if (closed) {
            return refused(errors, new ScorerException(ScorerException.Kind.ERROR, "closed"));
        }
        if (inFlight.incrementAndGet() > settings.maxConcurrent()) {
            inFlight.decrementAndGet();
            return refused(overloaded, new ScorerException(ScorerException.Kind.OVERLOADED,
                    settings.maxConcurrent() + " calls in flight already"));
        }
        // Admitted before asking the breaker, so that an overloaded call never takes the half-open trial.
        if (!breaker.tryAcquire()) {
            inFlight.decrementAndGet();
            return refused(circuitOpenRejections, new ScorerException(ScorerException.Kind.CIRCUIT_OPEN, "circuit open"));
        }
        ScorerCall call = new ScorerCall(this, request, loop);
        if (loop.inEventLoop()) {
            call.start();
        } else {
            try {
                loop.execute(call::start);
            } catch (RejectedExecutionException e) {
                call.abandon("event loop shut down");
            }
        }
        return call.future();
    }

    private static CompletionStage<Double> refused(LongAdder counter, ScorerException failure) {
        counter.increment();
        return CompletableFuture.failedFuture(failure);
    }

    /** The counters now. */
    public Stats stats() {
        return new Stats(calls.sum(), successes.sum(), errors.sum(), timeouts.sum(), overloaded.sum(),
                circuitOpenRejections.sum(), breaker.state(), channels.size());
    }

    /**
     * Closes every connection to the service, idle or in use (calls under way fail with an ERROR);
     * later calls fail at once with ERROR {@code closed}. Does not wait for the sockets to close.
     */
    @Override
    public void close() {
        closed = true;
        channels.close();
    }

    // What the calls use; ScorerCall runs these on its event loop.

    boolean isClosed() {
        return closed;
    }

    InetSocketAddress address() {
        return address;
    }

    ScorerProtocol protocol() {
        return protocol;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    String timeoutText() {
        return timeoutText;
    }

    /** The pool of {@code loop}; call on that loop. */
    ScorerConnections connections(EventLoop loop) {
        return loops.computeIfAbsent(loop, l -> new ScorerConnections(l, channelClass,
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.timeout().toMillis())),
                Math.min(MAX_IDLE_PER_LOOP, settings.maxConcurrent())));
    }

    /**
     * Takes a newly connected channel into the set {@link #close()} closes; false (and the channel
     * closed) when the scorer is closed already.
     */
    boolean adopt(Channel ch) {
        channels.add(ch);
        // Added before looking at the flag, so that a concurrent close() either sees the channel in the
        // group or this sees the flag: a connection never outlives the scorer.
        if (closed) {
            ch.close();
            return false;
        }
        return true;
    }

    /** A call that was admitted ended; {@code failure} is null for a score. Called once per such call. */
    void finished(ScorerException failure) {
        inFlight.decrementAndGet();
        if (failure == null) {
            successes.increment();
            breaker.onSuccess();
            return;
        }
        (failure.kind() == ScorerException.Kind.TIMEOUT ? timeouts : errors).increment();
        breaker.onFailure();
    }
}
