package dev.pibl.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.config.AdminConfig;
import dev.pibl.config.BackendConfig;
import dev.pibl.config.BalancingConfig;
import dev.pibl.config.CacheConfig;
import dev.pibl.config.LimitsConfig;
import dev.pibl.config.LoggingConfig;
import dev.pibl.config.PiblConfig;
import dev.pibl.config.ServerConfig;
import dev.pibl.config.TimeoutsConfig;
import dev.pibl.config.UpstreamConfig;
import dev.pibl.logging.AccessLog;
import dev.pibl.server.ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A PIBL instance for end-to-end tests: listens on 127.0.0.1 and an ephemeral port, in front of
 * the given backends, and keeps every access-log line in memory for assertions.
 */
public final class TestProxy implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProxyServer server;
    private final List<String> accessLog;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestProxy(ProxyServer server, List<String> accessLog) {
        this.server = server;
        this.accessLog = accessLog;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ProxyServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    /**
     * The access-log lines once {@code count} have been written (they reach the sink a loop
     * iteration after the response), oldest first; fails if they do not come within 5 s.
     */
    public List<String> awaitAccessLog(int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> accessLog.size() >= count);
        // A moment for any unexpected extra line to show, so callers can assert the exact count.
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(accessLog);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Settings for a test proxy; defaults are the documented ones, with short timeouts. */
    public static final class Builder {
        private final List<BackendConfig> backends = new ArrayList<>();
        private int ioThreads = 2;
        private Duration connect = Duration.ofSeconds(2);
        private Duration response = Duration.ofSeconds(30);
        private Duration clientHeader = Duration.ofSeconds(10);
        private Duration clientBody = Duration.ofSeconds(60);
        private Duration idle = Duration.ofSeconds(60);
        private Duration upstreamIdle = Duration.ofSeconds(30);
        private Duration drain = Duration.ofSeconds(5);
        private Duration requestDeadline = Duration.ZERO;

        public Builder requestDeadline(Duration d) {
            requestDeadline = d;
            return this;
        }
        private int maxTries = 3;
        private int maxConnections = 1024;
        private long maxBody;
        private boolean preserveHost = true;
        private int retryBudgetPercent = 20;
        private int maxClientConnections;
        private ServerConfig.Overload overload = ServerConfig.Overload.REJECT;

        public Builder maxClientConnections(int max, ServerConfig.Overload action) {
            maxClientConnections = max;
            overload = action;
            return this;
        }
        private int minRetriesPerSecond = 10;

        public Builder retryBudget(int percent, int minPerSecond) {
            retryBudgetPercent = percent;
            minRetriesPerSecond = minPerSecond;
            return this;
        }
        private LoggingConfig.Detail detail = LoggingConfig.Detail.SUMMARY;
        private LoggingConfig.Format format = LoggingConfig.Format.TEXT;
        private BalancingConfig balancing = BalancingConfig.roundRobin();
        private CacheConfig cache = disabledCache();
        private AdminConfig admin = AdminConfig.disabled();
        private Clock clock = Clock.systemUTC();
        private dev.pibl.config.HealthConfig health = dev.pibl.config.HealthConfig.defaults();
        private List<String> trustedProxies = List.of();

        public Builder health(dev.pibl.config.HealthConfig h) {
            health = h;
            return this;
        }

        /** {@code server.trusted-proxies}: addresses or CIDR blocks whose forwarding headers are kept. */
        public Builder trustedProxies(String... entries) {
            trustedProxies = List.of(entries);
            return this;
        }

        public Builder backend(TestBackend backend) {
            return backend(backend.name(), backend.port(), 1);
        }

        public Builder backend(String name, int port, int weight) {
            backends.add(new BackendConfig(name, "127.0.0.1", port, weight));
            return this;
        }

        public Builder ioThreads(int n) {
            ioThreads = n;
            return this;
        }

        public Builder responseTimeout(Duration d) {
            response = d;
            return this;
        }

        public Builder clientHeaderTimeout(Duration d) {
            clientHeader = d;
            return this;
        }

        public Builder clientBodyTimeout(Duration d) {
            clientBody = d;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            idle = d;
            return this;
        }

        public Builder upstreamIdleTimeout(Duration d) {
            upstreamIdle = d;
            return this;
        }

        public Builder drainTimeout(Duration d) {
            drain = d;
            return this;
        }

        public Builder maxTries(int n) {
            maxTries = n;
            return this;
        }

        public Builder maxConnections(int n) {
            maxConnections = n;
            return this;
        }

        public Builder maxBody(long bytes) {
            maxBody = bytes;
            return this;
        }

        public Builder preserveHost(boolean b) {
            preserveHost = b;
            return this;
        }

        public Builder logHeaders() {
            detail = LoggingConfig.Detail.HEADERS;
            return this;
        }

        /** Runs the cache stage with these settings (off unless called). */
        public Builder cache(CacheConfig cache) {
            this.cache = cache;
            return this;
        }

        /** The clock the cache reads: tests move a {@link MutableClock} instead of sleeping. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Runs the admin listener on an ephemeral loopback port with this token ("" for none). */
        public Builder admin(String token) {
            return admin(token, 0);
        }

        /** Runs the admin listener on 127.0.0.1:{@code port}, as a restarted PIBL would keep its port. */
        public Builder admin(String token, int port) {
            this.admin = new AdminConfig(true, port, "127.0.0.1", token);
            return this;
        }

        private static CacheConfig disabledCache() {
            CacheConfig d = CacheConfig.defaults(Path.of("cache"));
            return new CacheConfig(false, d.defaultTtl(), d.forceTtl(), d.heuristic(), d.storeSetCookie(),
                    d.staleWhileRevalidate(), d.staleIfError(), d.keepStale(), d.targetedField(), d.directory(),
                    d.memorySize(), d.diskSize(), d.maxObjectSize(), d.fsync(), d.coalesceMaxWaiters(),
                    d.coalesceTimeout());
        }

        public Builder balancing(BalancingConfig b) {
            balancing = b;
            return this;
        }

        /** JSON format: each access-log entry is its fields as one JSON object, without the encoder's time. */
        public Builder jsonLog() {
            format = LoggingConfig.Format.JSON;
            return this;
        }

        public PiblConfig config() {
            return new PiblConfig(
                    new ServerConfig(0, "127.0.0.1", ioThreads, new LimitsConfig(8192, 16384, 100, maxBody),
                            trustedProxies, maxClientConnections, overload),
                    backends,
                    balancing,
                    new TimeoutsConfig(connect, response, clientHeader, clientBody, idle, upstreamIdle, drain,
                            requestDeadline),
                    new UpstreamConfig(maxConnections, 1024, Duration.ofSeconds(5), maxTries, preserveHost,
                            retryBudgetPercent, minRetriesPerSecond),
                    health,
                    cache,
                    new LoggingConfig(Path.of("logs/access.log"), false, format, detail),
                    admin);
        }

        public TestProxy start() throws InterruptedException {
            List<String> lines = new CopyOnWriteArrayList<>();
            PiblConfig config = config();
            AccessLog log = config.logging().format() == LoggingConfig.Format.JSON
                    ? AccessLog.json(detail, event -> lines.add(JSON.valueToTree(event).toString()))
                    : new AccessLog(config.logging().format(), detail, Clock.systemUTC(),
                            batch -> lines.addAll(List.of(batch.split("\n"))));
            return new TestProxy(ProxyServer.start(config, log, clock), lines);
        }
    }
}
