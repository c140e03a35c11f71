package dev.pibl.app.demo;

import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;

import java.util.Date;

/**
 * The Date header value, formatted at most once per second: formatting an HTTP date on every
 * response would cost more than the rest of a small response together. Event loops race to
 * refresh it; any of them winning is fine because all compute the same value.
 */
final class HttpDate {

    private record Stamp(long second, AsciiString value) {
    }

    private static volatile Stamp current = stamp(System.currentTimeMillis() / 1000);

    private HttpDate() {
    }

    static AsciiString now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = current;
        if (s.second != second) {
            s = stamp(second);
            current = s;
        }
        return s.value;
    }

    private static Stamp stamp(long second) {
        return new Stamp(second, AsciiString.cached(DateFormatter.format(new Date(second * 1000))));
    }
}
