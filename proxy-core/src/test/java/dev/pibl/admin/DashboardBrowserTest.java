package dev.pibl.admin;

import static dev.pibl.testing.ScoreConfigs.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pibl.config.CacheConfig;
import dev.pibl.testing.HeadlessChromium;
import dev.pibl.testing.HealthConfigs;
import dev.pibl.testing.ScoreConfigs;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard at {@code /admin/} in a real headless Chromium, over PIBL with three backends
 * and live traffic: what an operator sees, read from the page's DOM after its own polling.
 *
 * <p>The first test leaves {@code target/dashboard.png}. For the picture in docs/operations.md,
 * run it with {@code -Ddashboard.warmup=60}: the traffic then runs a minute longer before a
 * backend is stopped, so the sparklines are full when the screenshot is taken.
 */
class DashboardBrowserTest {

    private static final String TOKEN = "dashboard-test-token-0123";
    private static final List<String> NODES = List.of("node-1", "node-2", "node-3");

    @TempDir
    Path dir;

    @Test
    void showsTrafficBackendHealthAndErrorsAsTheyHappen() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start(1280, 800);
                TestBackend node1 = TestBackend.start("node-1", DashboardBrowserTest::answer);
                TestBackend node2 = TestBackend.start("node-2", DashboardBrowserTest::answer);
                TestBackend node3 = TestBackend.start("node-3", DashboardBrowserTest::answer);
                TestProxy proxy = TestProxy.builder().backend(node1).backend(node2).backend(node3).admin("")
                        // One try, so a stopped backend's failures reach clients and the error list.
                        .maxTries(1)
                        .health(HealthConfigs.passive(3, Duration.ofMinutes(5), 50, false))
                        .cache(CacheConfig.defaults(dir.resolve("cache")))
                        .balancing(ScoreConfigs.shipped(route("trusted", 0, 0.5, NODES.toArray(String[]::new)),
                                route("suspicious", 0.5, 0.9, NODES.toArray(String[]::new)),
                                route("abusive", 0.9, 1.0, NODES.toArray(String[]::new))))
                        .start();
                DashboardTraffic traffic = DashboardTraffic.start(proxy.port())) {
            browser.open(adminUrl(proxy));

            within(10).untilAsserted(() -> assertThat(backendNames(browser)).isEqualTo(NODES));
            within(10).untilAsserted(() -> assertThat(totalRequests(browser)).isPositive());
            long first = totalRequests(browser);
            within(10).untilAsserted(() -> assertThat(totalRequests(browser)).isGreaterThan(first));
            assertThat(health(browser, "node-3")).isIn("up", "slow-start");
            warmUp();

            node3.close();

            within(15).untilAsserted(() -> assertThat(health(browser, "node-3")).isIn("down", "ejected"));
            within(10).untilAsserted(() -> assertThat(errorRows(browser))
                    .anySatisfy(row -> {
                        assertThat(row.get(1)).startsWith("5");
                        assertThat(row.get(2)).isEqualTo("GET");
                        assertThat(row.get(6)).isNotBlank();
                    }));
            browser.screenshot(Path.of("target", "dashboard.png"));
            assertThat(traffic.answered()).isPositive();
            assertThat(browser.consoleErrors()).as("script errors or refused resources").isEmpty();
        }
    }

    @Test
    void asksForTheTokenAndReconnectsByItselfAfterARestart() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start(1280, 800);
                TestBackend node = TestBackend.start("node-1")) {
            TestProxy.Builder settings = TestProxy.builder().backend(node).admin(TOKEN);
            int adminPort;
            try (TestProxy proxy = settings.start()) {
                adminPort = proxy.server().adminAddress().getPort();
                browser.open(adminUrl(proxy));
                within(10).untilAsserted(() -> assertThat(visible(browser, "login")).isTrue());

                browser.type("token", "not-the-token-at-all");
                browser.click("#login button");
                within(10).untilAsserted(() -> assertThat(visible(browser, "login-error")).isTrue());

                browser.type("token", TOKEN);
                browser.click("#login button");
                within(10).untilAsserted(() -> assertThat(backendNames(browser)).containsExactly("node-1"));
                assertThat(linkState(browser)).isEqualTo("live");
            }

            within(10).untilAsserted(() -> assertThat(linkState(browser)).isEqualTo("disconnected"));
            assertThat(visible(browser, "banner")).isTrue();

            try (TestProxy restarted = settings.admin(TOKEN, adminPort).start()) {
                within(10).untilAsserted(() -> assertThat(linkState(browser)).isEqualTo("live"));
                assertThat(visible(browser, "banner")).isFalse();
                assertThat(visible(browser, "login")).as("the token was kept for the tab").isFalse();
            }
            assertThat(browser.consoleErrors()).filteredOn(m -> !m.contains("/admin/status"))
                    .as("errors other than the failed polls while PIBL was down").isEmpty();
        }
    }

    /** Static files are cacheable, so the cache has hits, the rest is not; {@code /fail} is a backend error. */
    private static void answer(ChannelHandlerContext ctx, FullHttpRequest request, TestBackend backend) {
        boolean fail = request.uri().equals("/fail");
        byte[] body = (fail ? "failed on purpose" : backend.name() + " " + request.uri()).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                fail ? HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, request.uri().startsWith("/static/") ? "public, max-age=300" : "no-store")
                .set("X-Backend", backend.name());
        ctx.writeAndFlush(r);
    }

    private static String adminUrl(TestProxy proxy) {
        return "http://127.0.0.1:" + proxy.server().adminAddress().getPort() + "/admin/";
    }

    private static ConditionFactory within(int seconds) {
        return await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
    }

    private static List<String> backendNames(HeadlessChromium browser) {
        return browser.js("return [...document.querySelectorAll('#backends tr')].map(r => r.dataset.backend)");
    }

    /** The total request counter as the page shows it ("12,345"), or -1 before the first figure. */
    private static long totalRequests(HeadlessChromium browser) {
        String shown = browser.js("return document.getElementById('total-requests').textContent");
        String digits = shown.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }

    private static String health(HeadlessChromium browser, String backend) {
        return browser.js("return document.querySelector('#backends tr[data-backend=\"' + arguments[0] + '\"] .badge')"
                + ".textContent", backend);
    }

    /** The recent-errors table's cells: time, status, method, uri, backend, reason, request id. */
    private static List<List<String>> errorRows(HeadlessChromium browser) {
        return browser.js("return [...document.querySelectorAll('#errors tr')]"
                + ".map(r => [...r.cells].map(c => c.textContent))");
    }

    private static String linkState(HeadlessChromium browser) {
        return browser.js("return document.getElementById('link').dataset.state");
    }

    private static boolean visible(HeadlessChromium browser, String id) {
        return browser.js("const e = document.getElementById(arguments[0]); return !e.hidden && e.offsetParent !== null", id);
    }

    private static void warmUp() throws InterruptedException {
        long seconds = Long.getLong("dashboard.warmup", 0);
        if (seconds > 0) {
            Thread.sleep(Duration.ofSeconds(Math.min(seconds, 90)).toMillis());
        }
    }
}
