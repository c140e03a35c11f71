package dev.pibl.systemtests;

import dev.pibl.testing.LoopbackClient;
import dev.pibl.testing.RawHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * Load through PIBL: {@code clients} keep-alive clients on 127.0.0.1, each on its own thread,
 * sending {@code GET path} one after another until {@link #stop()}, or until the run has sent
 * {@code maxRequests} or lasted {@code maxTime}, whichever comes first, so a scenario that goes
 * wrong cannot load the machine for ever. Every reply is recorded, including connections that
 * broke (status -1).
 */
final class Traffic implements AutoCloseable {

    /** A client's view of one request: status (-1: no answer), which backend answered ("-": PIBL itself). */
    record Reply(long startMillis, long endMillis, int status, String backend, String cache) {
        boolean ok() {
            return status == 200;
        }
    }

    private final List<Reply> replies = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger sent = new AtomicInteger();

    private Traffic() {
    }

    static Traffic start(int port, int clients, String path, int maxRequests, Duration maxTime) {
        Traffic t = new Traffic();
        long deadline = System.nanoTime() + maxTime.toNanos();
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(() -> t.run(port, path, maxRequests, deadline), "traffic-" + i);
            thread.setDaemon(true);
            t.threads.add(thread);
            thread.start();
        }
        return t;
    }

    private void run(int port, String path, int maxRequests, long deadline) {
        LoopbackClient client = new LoopbackClient("127.0.0.1", port, "pibl-system-test");
        try {
            while (!stopped.get() && sent.incrementAndGet() <= maxRequests && System.nanoTime() - deadline < 0) {
                long start = System.currentTimeMillis();
                try {
                    RawHttp.Response r = client.get(path);
                    String backend = r.header("X-Backend");
                    replies.add(new Reply(start, System.currentTimeMillis(), r.status(), backend == null ? "-" : backend,
                            r.header("X-Cache")));
                } catch (IOException broken) {
                    replies.add(new Reply(start, System.currentTimeMillis(), -1, "-", null));
                    close(client);
                    client = new LoopbackClient("127.0.0.1", port, "pibl-system-test");
                }
            }
        } finally {
            close(client);
        }
    }

    private static void close(LoopbackClient client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // the connection is already gone
        }
    }

    /** Replies so far, in the order they completed. */
    List<Reply> replies() {
        return List.copyOf(replies);
    }

    /** Replies that started at or after {@code millis}. */
    List<Reply> startedSince(long millis) {
        return replies.stream().filter(r -> r.startMillis() >= millis).toList();
    }

    /** Waits until {@code n} more replies matching {@code which} arrived than there were at the call. */
    void awaitMore(int n, Predicate<Reply> which, Duration within) {
        awaitCount(replies.stream().filter(which).count() + n, which, within);
    }

    void awaitMore(int n, Duration within) {
        awaitMore(n, r -> true, within);
    }

    /** Waits until {@code total} replies have arrived since the start. */
    void awaitTotal(long total, Duration within) {
        awaitCount(total, r -> true, within);
    }

    /** Waits until {@code count} replies matching {@code which} have arrived since the start. */
    void awaitCount(long count, Predicate<Reply> which, Duration within) {
        Awaitility.await(count + " replies").atMost(within).pollInterval(Duration.ofMillis(20))
                .until(() -> replies.stream().filter(which).count() >= count || finished());
        if (replies.stream().filter(which).count() < count) {
            throw new AssertionError("the traffic stopped (request or time bound) before " + count + " replies came");
        }
    }

    private boolean finished() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    /** Stops the clients after their current request; returns every reply. */
    List<Reply> stop() throws InterruptedException {
        stopped.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        return replies();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
