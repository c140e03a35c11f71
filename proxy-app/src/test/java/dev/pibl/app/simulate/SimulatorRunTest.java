package dev.pibl.app.simulate;

import dev.pibl.app.demo.DemoBackend;
import dev.pibl.app.demo.DemoBackendGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.pibl.app.simulate.SimulationScheduleTest.servedByTheDemoSite;
import static org.assertj.core.api.Assertions.assertThat;

/** Short real runs against a demo backend: what each kind sent, from where, and what it got. */
class SimulatorRunTest {

    private static DemoBackendGroup demo;
    private static InetSocketAddress target;

    @BeforeAll
    static void startDemo() {
        demo = DemoBackend.startAll("127.0.0.1", 0, 1, 1);
        target = new InetSocketAddress("127.0.0.1", demo.backends().get(0).port());
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    /** One exchange as a client saw it. */
    record Seen(PlannedRequest request, int status, InetSocketAddress local) {
    }

    @Test
    void eachKindBehavesAsPlannedFromItsOwnAddress() throws Exception {
        SimulationSettings settings = new SimulationSettings(11, Duration.ofSeconds(2), 100_000,
                SimulationSettings.parseMix("browser=1,api=1,crawler=1,flooder=1,scanner=1,stuffer=1,scraper=1"),
                SimulationSettings.parseRates("flooder=40"), 0.25, false, null);
        SimulationPlan plan = SimulationPlan.of(settings);
        Map<Integer, List<Seen>> seen = new ConcurrentHashMap<>();

        SimulationReport report = Simulator.run(plan, target, "demo", (client, request, status, local) ->
                seen.computeIfAbsent(client.index(), i -> Collections.synchronizedList(new ArrayList<>()))
                        .add(new Seen(request, status, local)));

        for (ClientPlan client : plan.clients()) {
            List<Seen> exchanges = seen.get(client.index());
            SimulationReport.KindSummary summary = report.kind(client.kind());
            assertThat(exchanges).as(client.kind().cliName()).isNotEmpty().hasSize((int) summary.requests());
            assertThat(summary.errors()).isZero();
            // Keep-alive: one connection per allowed request in flight, at most.
            assertThat(summary.connections()).isBetween(1L, (long) client.connections());
            assertThat(exchanges).allSatisfy(s -> assertThat(s.local().getAddress().getHostAddress())
                    .isEqualTo(client.sourceAddress()));
            assertShape(client.kind(), exchanges);
        }
        assertThat(plan.clients()).extracting(ClientPlan::sourceAddress).doesNotHaveDuplicates()
                .allMatch(a -> a.startsWith("127.1.0."));
        assertThat(report.kind(ClientKind.FLOODER).requests()).isGreaterThan(100);
    }

    @Test
    void theRunStopsAtMaxRequestsBeforeTheDuration() throws Exception {
        SimulationSettings settings = new SimulationSettings(5, Duration.ofSeconds(30), 50,
                Map.of(ClientKind.FLOODER, 2), Map.of(), 1, false, null);
        long start = System.nanoTime();

        SimulationReport report = Simulator.run(SimulationPlan.of(settings), target, "demo");

        assertThat(report.requests()).isEqualTo(50);
        assertThat(report.kind(ClientKind.FLOODER).statuses()).containsExactly(Map.entry(200, 50L));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void withForwardedForEveryClientConnectsFromLoopbackItself() throws Exception {
        SimulationSettings settings = new SimulationSettings(5, Duration.ofMillis(1500), 1000,
                SimulationSettings.parseMix("api=2,stuffer=1"), Map.of(), 0.25, true, null);
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

        SimulationReport report = Simulator.run(SimulationPlan.of(settings), target, "demo",
                (client, request, status, local) -> seen.add(new Seen(request, status, local)));

        assertThat(seen).isNotEmpty().hasSize((int) report.requests())
                .allSatisfy(s -> assertThat(s.local().getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
        assertThat(report.kind(ClientKind.STUFFER).statuses().keySet()).containsOnly(401);
    }

    @Test
    void anUnreachableTargetCountsErrorsAndTheRunStillEndsOnTime() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        SimulationSettings settings = new SimulationSettings(5, Duration.ofSeconds(1), 1000,
                Map.of(ClientKind.SCRAPER, 1), Map.of(), 0.5, false, null);

        SimulationReport report = Simulator.run(SimulationPlan.of(settings), new InetSocketAddress("127.0.0.1", closedPort),
                "nowhere");

        SimulationReport.KindSummary scraper = report.kind(ClientKind.SCRAPER);
        assertThat(scraper.requests()).isPositive();
        assertThat(scraper.errors()).isEqualTo(scraper.requests());
        assertThat(scraper.statuses()).isEmpty();
        assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(4));
        assertThat(report.format()).contains("scraper  abusive").contains(" -\n");
    }

    private static void assertShape(ClientKind kind, List<Seen> exchanges) {
        List<Seen> ordered = exchanges.stream().sorted((a, b) -> Long.compare(a.request().atNanos(), b.request().atNanos()))
                .toList();
        switch (kind) {
            case BROWSER -> {
                assertThat(ordered.get(0).request().path()).startsWith("/page/");
                assertThat(ordered).allSatisfy(s -> assertThat(s.status())
                        .isEqualTo(s.request().path().equals("/favicon.ico") ? 404 : 200));
                assertThat(ordered).anyMatch(s -> s.request().path().startsWith("/static/"));
            }
            case API -> assertThat(ordered).allMatch(s -> s.request().path().startsWith("/api/") && s.status() == 200);
            case CRAWLER -> {
                assertThat(ordered.get(0).request().target()).isEqualTo("/robots.txt");
                assertThat(ordered).allMatch(s -> s.status() == 200);
                assertThat(ordered.subList(1, ordered.size())).allMatch(s -> s.request().path().startsWith("/page/"));
            }
            case FLOODER -> {
                assertThat(ordered).allMatch(s -> s.status() == 200);
                assertThat(ordered.stream().map(s -> s.request().path()).distinct()).hasSizeBetween(1, 3);
            }
            case SCANNER -> {
                assertThat(ordered).allMatch(s -> s.status() == (servedByTheDemoSite(s.request().path()) ? 200 : 404));
                assertThat(ordered.stream().filter(s -> s.status() == 404).count()).isGreaterThan(ordered.size() / 2);
            }
            case STUFFER -> assertThat(ordered).allMatch(s -> s.request().method().equals("POST")
                    && s.request().target().equals("/login") && s.status() == 401);
            case SCRAPER -> assertThat(ordered).allMatch(s -> s.request().path().startsWith("/page/") && s.status() == 200);
        }
    }
}
