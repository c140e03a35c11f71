package dev.pibl.http;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * A deadline on one event loop that is cheap to move: re-arming only stores a number, and a single
 * scheduled task, when it fires early, re-schedules itself for the time left. Keep-alive traffic
 * re-arms deadlines on every request; this keeps that to a clock read instead of a schedule and a
 * cancel per request. Time comes from the executor's {@link Ticker}, so EmbeddedChannel tests move
 * it with {@code advanceTimeBy} instead of sleeping.
 *
 * <p>Not thread-safe: every method runs on the owning event loop.
 */
public final class Deadline implements Runnable {

    private final EventExecutor executor;
    private final Ticker ticker;
    private final Runnable onExpiry;
    private boolean armed;
    private long deadlineNanos;
    private ScheduledFuture<?> task;
    private long taskDueNanos;

    public Deadline(EventExecutor executor, Runnable onExpiry) {
        this.executor = requireNonNull(executor, "executor");
        this.ticker = executor.ticker();
        this.onExpiry = requireNonNull(onExpiry, "onExpiry");
    }

    /** Expire {@code delayNanos} from now, replacing any earlier arming. */
    public void arm(long delayNanos) {
        long now = ticker.nanoTime();
        deadlineNanos = now + delayNanos;
        armed = true;
        if (task != null && taskDueNanos - deadlineNanos <= 0) {
            return; // the pending task fires first and re-schedules for the rest
        }
        if (task != null) {
            task.cancel(false);
        }
        schedule(delayNanos, now);
    }

    /** Stop the deadline; a pending task stays but does nothing when it fires. */
    public void disarm() {
        armed = false;
    }

    /** Stop the deadline and drop the pending task (the connection is going away). */
    public void cancel() {
        armed = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    @Override
    public void run() {
        task = null;
        if (!armed) {
            return;
        }
        long now = ticker.nanoTime();
        long left = deadlineNanos - now;
        if (left > 0) {
            schedule(left, now);
            return;
        }
        armed = false;
        onExpiry.run();
    }

    private void schedule(long delayNanos, long now) {
        taskDueNanos = now + delayNanos;
        task = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
