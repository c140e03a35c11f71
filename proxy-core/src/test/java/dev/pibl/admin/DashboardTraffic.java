package dev.pibl.admin;

import dev.pibl.testing.LoopbackClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Background load for the dashboard's browser test, from several keep-alive clients, each on its
 * own loopback address so that score balancing tells them apart: four browsers that fetch a page
 * and its assets then pause (now and then asking for {@code /fail}, which the test's backends
 * answer with a 500), an API client, and a client without a User-Agent hammering one path.
 * Bounded in time and count, paced so the machine stays responsive; stops when closed.
 */
final class DashboardTraffic implements AutoCloseable {

    /** A hard stop whatever the test does, longer than the longest warm-up it may ask for. */
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final int MAX_REQUESTS_PER_CLIENT = 30_000;
    private static final long BETWEEN_REQUESTS_MILLIS = 2;
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    /** Sends {@code burst} requests {@link #BETWEEN_REQUESTS_MILLIS} apart, then waits {@code thinkMillis}. */
    private record Client(String address, String userAgent, int burst, long thinkMillis, IntFunction<String> path) {
    }

    /** A page, then its script, style sheet and images; one page in 25 is {@code /fail}. */
    private static final IntFunction<String> BROWSING = i -> i % 6 != 0 ? "/static/" + (i % 6 == 1 ? "app.js"
            : i % 6 == 2 ? "style.css" : "img/" + i % 30 + ".png")
            : i % 150 == 42 ? "/fail" : "/products/" + i % 40;

    private static final List<Client> CLIENTS = List.of(
            new Client("127.0.0.21", BROWSER, 6, 600, BROWSING),
            new Client("127.0.0.22", BROWSER, 6, 800, BROWSING),
            new Client("127.0.0.23", BROWSER, 6, 1000, BROWSING),
            new Client("127.0.0.24", BROWSER, 6, 1200, BROWSING),
            new Client("127.0.0.31", "inventory-sync/2.1", 1, 15, i -> i % 97 == 5 ? "/fail" : "/api/items/" + i % 200),
            new Client("127.0.0.41", null, 1, 4, i -> "/login"));

    private final ExecutorService threads = Executors.newFixedThreadPool(CLIENTS.size());
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong answered = new AtomicLong();

    private DashboardTraffic(int port) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        for (Client c : CLIENTS) {
            threads.execute(() -> run(c, port, deadline));
        }
    }

    static DashboardTraffic start(int port) {
        return new DashboardTraffic(port);
    }

    /** Responses received so far, whatever their status. */
    long answered() {
        return answered.get();
    }

    private void run(Client c, int port, long deadline) {
        LoopbackClient client = new LoopbackClient(c.address(), port, c.userAgent());
        for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && !stopped.get() && System.nanoTime() < deadline; i++) {
            try {
                client.get(c.path().apply(i));
                answered.incrementAndGet();
                Thread.sleep((i + 1) % c.burst() == 0 ? c.thinkMillis() : BETWEEN_REQUESTS_MILLIS);
            } catch (IOException e) {
                // PIBL closed the connection (a 502 does): start a new one.
                closeQuietly(client);
                client = new LoopbackClient(c.address(), port, c.userAgent());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeQuietly(client);
    }

    private static void closeQuietly(LoopbackClient client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // The test is over with this connection either way.
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped.set(true);
        threads.shutdown();
        if (!threads.awaitTermination(20, TimeUnit.SECONDS)) {
            threads.shutdownNow();
        }
    }
}
