package dev.pibl.cache;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/** Queues tasks until the test runs them, in order or out of it, to stage races without threads. */
final class ManualExecutor implements Executor {

    private final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
        tasks.addLast(task);
    }

    int queued() {
        return tasks.size();
    }

    void runNext() {
        tasks.removeFirst().run();
    }

    void runLast() {
        tasks.removeLast().run();
    }

    void run(int n) {
        for (int i = 0; i < n; i++) {
            runNext();
        }
    }

    /** Runs until nothing is queued, tasks queued meanwhile included. */
    void runAll() {
        while (!tasks.isEmpty()) {
            runNext();
        }
    }
}
