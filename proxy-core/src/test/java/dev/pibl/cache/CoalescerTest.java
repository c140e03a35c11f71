package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bookkeeping of collapsed forwarding, without sockets. */
class CoalescerTest {

    private final List<String> ran = new ArrayList<>();

    private Runnable note(String name) {
        return () -> ran.add(name);
    }

    @Test
    void firstLeadsOthersWaitAndAllGoOnWhenItFinishes() {
        Coalescer c = new Coalescer(2);

        Object leader = c.join("k", note("leader"));
        Object second = c.join("k", note("second"));
        Object third = c.join("k", note("third"));
        Object full = c.join("k", note("fourth"));

        assertThat(leader).isInstanceOf(Coalescer.Flight.class);
        assertThat(second).isSameAs(Coalescer.WAITING);
        assertThat(third).isSameAs(Coalescer.WAITING);
        assertThat(full).isSameAs(Coalescer.ALONE);
        ((Coalescer.Flight) leader).finish();
        assertThat(ran).containsExactly("second", "third");
        assertThat(c.inFlight()).isZero();
        assertThat(c.join("k", note("next"))).isInstanceOf(Coalescer.Flight.class);
    }

    @Test
    void aWaiterThatLeftIsNotRunAndOneThatFailsDoesNotStopTheOthers() {
        Coalescer c = new Coalescer(10);
        Coalescer.Flight flight = (Coalescer.Flight) c.join("k", note("leader"));
        Runnable gone = note("gone");
        c.join("k", gone);
        c.join("k", () -> {
            throw new java.util.concurrent.RejectedExecutionException("loop shut down");
        });
        c.join("k", note("after"));

        assertThat(c.leave("k", gone)).isTrue();
        flight.finish();
        flight.finish(); // idempotent

        assertThat(ran).containsExactly("after");
        assertThat(c.leave("k", gone)).isFalse();
    }

    @Test
    void zeroWaitersMeansNoCoalescing() {
        Coalescer c = new Coalescer(0);

        assertThat(c.join("k", note("a"))).isSameAs(Coalescer.ALONE);
        assertThat(c.join("k", note("b"))).isSameAs(Coalescer.ALONE);
    }
}
