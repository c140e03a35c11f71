package dev.pibl.app.simulate;

import java.util.TreeMap;

/**
 * What one simulated client sent and got. Written on its event loop only; read after the run,
 * once the client's end was signalled through the run's latch.
 */
final class ClientStats {

    long requests;
    long connections;
    long connectErrors;
    long timeouts;
    long closed;
    final TreeMap<Integer, Long> statuses = new TreeMap<>();

    void status(int code) {
        statuses.merge(code, 1L, Long::sum);
    }

    long errors() {
        return connectErrors + timeouts + closed;
    }
}
