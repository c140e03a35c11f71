package dev.pibl.cache;

import dev.pibl.config.CacheConfig;
import dev.pibl.testing.MutableClock;
import dev.pibl.testing.Origin;
import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * An origin behind a PIBL with the cache on (files in a test's temp directory) and a clock the test
 * moves. Requests go over real sockets, one connection each unless the test keeps one.
 */
final class CacheFixture implements AutoCloseable {

    final MutableClock clock = new MutableClock();
    final Origin origin;
    final TestProxy proxy;
    final Path directory;

    private CacheFixture(Origin origin, Path directory, CacheConfig config, UnaryOperator<TestProxy.Builder> more)
            throws InterruptedException {
        this.origin = origin;
        this.directory = directory;
        this.proxy = more.apply(TestProxy.builder().backend("origin", origin.port(), 1).cache(config).clock(clock))
                .start();
    }

    static CacheFixture start(Path dir) throws InterruptedException {
        return start(dir, c -> c);
    }

    static CacheFixture start(Path dir, UnaryOperator<CacheConfig> config) throws InterruptedException {
        return start(dir, config, b -> b);
    }

    static CacheFixture start(Path dir, UnaryOperator<CacheConfig> config, UnaryOperator<TestProxy.Builder> more)
            throws InterruptedException {
        return new CacheFixture(Origin.start(), dir, config.apply(CacheConfig.defaults(dir.resolve("cache"))), more);
    }

    /** A GET with the header pairs name, value, name, value... on a new connection. */
    RawHttp.Response get(String path, String... headers) throws IOException {
        return request("GET", path, headers);
    }

    RawHttp.Response request(String method, String path, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: test\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        try (RawHttp http = new RawHttp(proxy.port())) {
            RawHttp.Response r = http.send(sb.toString()).read(method.equals("HEAD"));
            awaitStored();
            return r;
        }
    }

    /** Responses are stored off the event loop just after they are sent: wait for that, as a client would not. */
    void awaitStored() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cache().pendingStores() == 0);
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    ResponseCache cache() {
        return proxy.server().cache();
    }

    @Override
    public void close() {
        proxy.close();
        origin.close();
    }

    /** {@code c} with other TTL settings. */
    static CacheConfig ttl(CacheConfig c, Duration defaultTtl, boolean force, boolean heuristic) {
        return new CacheConfig(c.enabled(), defaultTtl, force, heuristic, c.storeSetCookie(), c.staleWhileRevalidate(),
                c.staleIfError(), c.keepStale(), c.targetedField(), c.directory(), c.memorySize(), c.diskSize(),
                c.maxObjectSize(), c.fsync(), c.coalesceMaxWaiters(), c.coalesceTimeout());
    }

    /** {@code c} with other stale windows. */
    static CacheConfig stale(CacheConfig c, Duration swr, Duration sie) {
        return new CacheConfig(c.enabled(), c.defaultTtl(), c.forceTtl(), c.heuristic(), c.storeSetCookie(), swr, sie,
                c.keepStale(), c.targetedField(), c.directory(), c.memorySize(), c.diskSize(), c.maxObjectSize(),
                c.fsync(), c.coalesceMaxWaiters(), c.coalesceTimeout());
    }

    /** {@code c} with other sizes. */
    static CacheConfig sizes(CacheConfig c, long memory, long disk, long maxObject) {
        return new CacheConfig(c.enabled(), c.defaultTtl(), c.forceTtl(), c.heuristic(), c.storeSetCookie(),
                c.staleWhileRevalidate(), c.staleIfError(), c.keepStale(), c.targetedField(), c.directory(), memory, disk,
                maxObject, c.fsync(), c.coalesceMaxWaiters(), c.coalesceTimeout());
    }
}
