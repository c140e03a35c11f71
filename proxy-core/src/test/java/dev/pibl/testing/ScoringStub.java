package dev.pibl.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A scoring service for the http scorer's tests, over a real socket on 127.0.0.1 (the JDK's
 * HttpServer, keep-alive HTTP/1.1): every request gets the status and body a test set (by default
 * {@code 200 {"score": 0.25}}), after the delay it set, and after the gate opens when it
 * {@linkplain #hold() holds} answers. It records each request as it arrives, before any wait.
 * A thread per exchange; the methods may be called from any thread.
 */
public final class ScoringStub implements AutoCloseable {

    /**
     * One request as it arrived.
     *
     * @param target     the request target as sent: path and query, still percent-encoded
     * @param headers    by lower-case name, the first value of each
     * @param connection the client's address and port: one per TCP connection
     */
    public record Request(String method, String target, Map<String, String> headers, String body, String connection) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scoring-stub");
        t.setDaemon(true);
        return t;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "{\"score\": 0.25}";
    private volatile Duration delay = Duration.ZERO;
    private volatile CountDownLatch gate;

    private ScoringStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::serve);
        server.setExecutor(threads);
        server.start();
    }

    public static ScoringStub start() {
        try {
            return new ScoringStub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port><pathAndQuery>}. */
    public URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /** Answers every request from now on with {@code status} and {@code body}. */
    public ScoringStub answer(int status, String body) {
        this.status = status;
        this.body = body;
        return this;
    }

    /** Waits this long before each answer. */
    public ScoringStub delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Holds every answer from now on until {@link #release()}. */
    public ScoringStub hold() {
        gate = new CountDownLatch(1);
        return this;
    }

    /** Lets the held answers, and every later one, go. */
    public void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Every request so far, in order of arrival. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Distinct connections that carried a request so far. */
    public long connections() {
        return requests.stream().map(Request::connection).distinct().count();
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            String received = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, received,
                    ex.getRemoteAddress().toString()));
            CountDownLatch g = gate;
            if (g != null && !g.await(30, TimeUnit.SECONDS)) {
                return;
            }
            Thread.sleep(delay.toMillis());
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            ex.getResponseBody().write(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: answer nothing
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        threads.shutdownNow();
    }
}
