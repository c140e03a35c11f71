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
 * Background load for the dashboard's browser test: three keep-alive clients, each on its own
 * loopback address so score balancing tells them apart: a browser fetching pages and cacheable
 * assets (and now and then {@code /fail}, which the test's backends answer with a 500), an API
 * client, and a client without a User-Agent hammering one path. Bounded in time and count, paced
 * so the machine stays responsive; stops when closed.
 */
final class DashboardTraffic implements AutoCloseable {

    /** A hard stop whatever the test does, longer than the longest warm-up it may ask for. */
    private static final Duration LIMIT = Duration.ofSeconds(120);
    private static final int MAX_REQUESTS_PER_CLIENT = 40_000;

    private record Client(String address, String userAgent, long pauseMillis, IntFunction<String> path) {
    }

    private static final List<Client> CLIENTS = List.of(
            new Client("127.0.0.11", "Mozilla/5.0 (X11; Linux x86_64)", 4, i -> i % 20 == 7 ? "/fail"
                    : i % 4 == 0 ? "/static/app.js" : i % 4 == 1 ? "/static/style.css" : "/products/" + i % 40),
            new Client("127.0.0.12", "inventory-sync/2.1", 8, i -> "/api/items/" + i % 200),
            new Client("127.0.0.13", null, 3, i -> "/login"));

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
                Thread.sleep(c.pauseMillis());
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
