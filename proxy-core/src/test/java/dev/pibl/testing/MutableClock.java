package dev.pibl.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, read from any thread. Starts at a fixed, whole-second instant. */
public final class MutableClock extends Clock {

    private final AtomicLong millis;

    public MutableClock() {
        this(Instant.parse("2026-11-22T12:00:00Z"));
    }

    public MutableClock(Instant start) {
        this(start.toEpochMilli());
    }

    public MutableClock(long epochMillis) {
        this.millis = new AtomicLong(epochMillis);
    }

    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a MutableClock is always UTC");
    }
}
