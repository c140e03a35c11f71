package dev.pibl.config;

import static dev.pibl.config.Configs.parse;
import static dev.pibl.config.Configs.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped config/pibl.yaml and the defaults it documents. */
class ReferenceConfigTest {

    private static final Path REFERENCE = Path.of("../config/pibl.yaml");

    @Test
    void referenceFileParsesToTheDocumentedDefaults() throws ConfigException {
        PiblConfig c = ConfigLoader.load(REFERENCE);

        assertThat(c.server()).isEqualTo(new ServerConfig(8080, "0.0.0.0", 0,
                new LimitsConfig(8 * 1024, 16 * 1024, 100, 0), List.of(), 10_000, ServerConfig.Overload.REJECT));
        assertThat(c.backends()).containsExactly(
                new BackendConfig("node-1", "127.0.0.1", 9001, 1),
                new BackendConfig("node-2", "127.0.0.1", 9002, 1),
                new BackendConfig("node-3", "127.0.0.1", 9003, 1));
        assertThat(c.balancing().policy()).isEqualTo(BalancingConfig.Policy.ROUND_ROBIN);
        assertThat(c.timeouts()).isEqualTo(new TimeoutsConfig(Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(20), Duration.ZERO));
        assertThat(c.upstream()).isEqualTo(new UpstreamConfig(1024, 1024, Duration.ofSeconds(5), 3, true, 20, 10));
        assertThat(c.health()).isEqualTo(new HealthConfig(
                new HealthConfig.ActiveCheck(false, "/", Duration.ofSeconds(5), Duration.ofSeconds(2), 200, 399, 2, 3,
                        true),
                new HealthConfig.PassiveCheck(true, 5, Duration.ofSeconds(10), Duration.ofMinutes(5), 50),
                false, Duration.ZERO));
        assertThat(c.cache()).isEqualTo(new CacheConfig(true, Duration.ofSeconds(60), false, false, false,
                Duration.ZERO, Duration.ZERO, Duration.ofMinutes(10), "PIBL-Cache-Control", Path.of("cache"),
                256L << 20, 1L << 30, 8L << 20, CacheConfig.Fsync.NEVER, 100, Duration.ofSeconds(5)));
        assertThat(c.admin()).isEqualTo(new AdminConfig(true, 9090, "127.0.0.1", ""));
        assertThat(c.logging()).isEqualTo(new LoggingConfig(Path.of("logs/access.log"), true,
                LoggingConfig.Format.TEXT, LoggingConfig.Detail.SUMMARY));
    }

    @Test
    void referenceFileStatesExactlyTheBuiltInDefaults() throws ConfigException {
        PiblConfig onlyBackends = parse("backends:\n"
                + "  - { name: node-1, url: \"http://127.0.0.1:9001\" }\n"
                + "  - { name: node-2, url: \"http://127.0.0.1:9002\" }\n"
                + "  - { name: node-3, url: \"http://127.0.0.1:9003\" }\n");

        assertThat(ConfigLoader.load(REFERENCE)).isEqualTo(onlyBackends);
    }

    @Test
    void emptyDocumentFailsOnlyBecauseBackendsAreMissing() {
        String expected = "pibl.yaml: backends: missing (expected: at least one backend)";

        assertThat(problems("")).containsExactly(expected);
        assertThat(problems("# nothing but a comment\n")).containsExactly(expected);
        assertThat(problems("server:\ncache:\n")).containsExactly(expected);
    }

    @Test
    void unreadableFileNamesThePathAsGiven() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(Path.of("no/such/pibl.yaml")));

        assertThat(e.problems()).containsExactly(
                Path.of("no/such/pibl.yaml") + ": no such file (expected: a readable YAML file)");
    }

    @Test
    void backendUrlMayOmitPortAndNameAndUseIpv6() throws ConfigException {
        PiblConfig c = parse("backends:\n"
                + "  - url: http://localhost\n"
                + "  - url: \"http://[::1]:9001/\"\n"
                + "  - { url: \"HTTP://app.internal:8080\", weight: 1000 }\n");

        assertThat(c.backends()).containsExactly(
                new BackendConfig("localhost:80", "localhost", 80, 1),
                new BackendConfig("[::1]:9001", "::1", 9001, 1),
                new BackendConfig("app.internal:8080", "app.internal", 8080, 1000));
        assertThat(c.backends().get(1).url()).isEqualTo("http://[::1]:9001");
    }

    @Test
    void everyKeyCanBeSet() throws ConfigException {
        PiblConfig c = parse(Configs.ONE_BACKEND
                + "server: { port: 0, bind: \"::\", io-threads: 4,\n"
                + "  limits: { max-request-line: 256B, max-header-size: 1MiB, max-headers: 10000, max-body-size: 10MB },\n"
                + "  trusted-proxies: [127.0.0.1, 10.0.0.0/8, \"::1\", \"fd00::/8\"], max-connections: 0, overload: pause }\n"
                + "timeouts: { connect: 250ms, response: 1d, client-header: 1s, client-body: 2s, idle: 5m, upstream-idle: 1h, drain: 1ms,"
                + " request: 90s }\n"
                + "upstream: { max-connections: 1, max-pending: 0, pending-timeout: 1ms, max-tries: 10, preserve-host: false,"
                + " retry-budget: 0, min-retries-per-second: 10000 }\n"
                + "health:\n"
                + "  active: { enabled: true, path: /healthz, interval: 1h, timeout: 1m, expected-status: 204,"
                + " rise: 100, fall: 1, initial: unknown }\n"
                + "  passive: { enabled: false, consecutive-failures: 1000, ejection-time: 1ms, max-ejection-time: 1d,"
                + " max-ejected-percent: 0 }\n"
                + "  panic: true\n"
                + "cache: { enabled: false, default-ttl: 0, force-ttl: true, heuristic: true, store-set-cookie: true,"
                + " stale-while-revalidate: 30s, stale-if-error: 1d, keep-stale: 0, targeted-field: Edge-Control,"
                + " directory: /var/cache/pibl, memory-size: 1024, disk-size: 1TB, max-object-size: 1KiB, fsync: always,"
                + " coalesce: { max-waiters: 0, timeout: 1ms } }\n"
                + "admin: { enabled: false, port: 9191, bind: \"::1\", token: abcdefghijklmnop0123 }\n"
                + "logging: { file: /var/log/pibl/access.log, stdout: false, format: json, detail: headers,"
                + " rotate: { max-file-size: 1KiB, max-history: 3650d, total-size-cap: 0 } }\n");

        assertThat(c.server()).isEqualTo(new ServerConfig(0, "::", 4, new LimitsConfig(256, 1 << 20, 10000, 10_000_000),
                List.of("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"), 0, ServerConfig.Overload.PAUSE));
        assertThat(c.timeouts()).isEqualTo(new TimeoutsConfig(Duration.ofMillis(250), Duration.ofDays(1),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofMillis(1), Duration.ofSeconds(90)));
        assertThat(c.upstream()).isEqualTo(new UpstreamConfig(1, 0, Duration.ofMillis(1), 10, false, 0, 10_000));
        assertThat(c.health()).isEqualTo(new HealthConfig(
                new HealthConfig.ActiveCheck(true, "/healthz", Duration.ofHours(1), Duration.ofMinutes(1), 204, 204,
                        100, 1, false),
                new HealthConfig.PassiveCheck(false, 1000, Duration.ofMillis(1), Duration.ofDays(1), 0),
                true, Duration.ZERO));
        assertThat(c.cache()).isEqualTo(new CacheConfig(false, Duration.ZERO, true, true, true, Duration.ofSeconds(30),
                Duration.ofDays(1), Duration.ZERO, "Edge-Control", Path.of("/var/cache/pibl"), 1024, 1_000_000_000_000L,
                1024, CacheConfig.Fsync.ALWAYS, 0, Duration.ofMillis(1)));
        assertThat(c.admin()).isEqualTo(new AdminConfig(false, 9191, "::1", "abcdefghijklmnop0123"));
        assertThat(c.logging()).isEqualTo(new LoggingConfig(Path.of("/var/log/pibl/access.log"), false,
                LoggingConfig.Format.JSON, LoggingConfig.Detail.HEADERS, new LoggingConfig.Rotation(1024, Duration.ofDays(3650), 0)));
    }
}
