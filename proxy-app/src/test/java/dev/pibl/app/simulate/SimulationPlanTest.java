package dev.pibl.app.simulate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plan is a pure function of the settings: same seed, same clients and schedules; addresses as documented. */
class SimulationPlanTest {

    @Test
    void sameSeedPlansTheSameClientsAddressesPathsAndTimes() {
        SimulationSettings settings = settings(42, false, null);

        assertThat(describe(SimulationPlan.of(settings))).isEqualTo(describe(SimulationPlan.of(settings)));
    }

    @Test
    void anotherSeedPlansSomethingElse() {
        List<String> one = describe(SimulationPlan.of(settings(42, false, null)));
        List<String> other = describe(SimulationPlan.of(settings(43, false, null)));

        assertThat(other).isNotEqualTo(one);
        // Not only the times: the kinds land on other addresses too.
        assertThat(kindsByAddress(SimulationPlan.of(settings(43, false, null))))
                .isNotEqualTo(kindsByAddress(SimulationPlan.of(settings(42, false, null))));
    }

    @Test
    void aScheduleCanBeReplayedAndIsInTimeOrderWithinTheDuration() {
        for (ClientPlan client : SimulationPlan.of(settings(7, false, null)).clients()) {
            List<PlannedRequest> first = all(client.schedule());

            assertThat(all(client.schedule())).isEqualTo(first);
            assertThat(first).isNotEmpty();
            assertThat(first).extracting(PlannedRequest::atNanos).isSorted()
                    .allMatch(t -> t >= 0 && t < Duration.ofSeconds(20).toNanos());
        }
    }

    @Test
    void mixSaysHowManyClientsOfEachKindInAShuffledOrder() {
        SimulationPlan plan = SimulationPlan.of(settings(1, false, null));

        assertThat(plan.clients()).hasSize(26);
        assertThat(plan.clients().stream().filter(c -> c.kind() == ClientKind.BROWSER)).hasSize(10);
        assertThat(plan.clients().stream().filter(c -> c.kind() == ClientKind.FLOODER)).hasSize(3);
        List<ClientKind> kinds = plan.clients().stream().map(ClientPlan::kind).toList();
        assertThat(kinds).isNotEqualTo(kinds.stream().sorted().toList());
    }

    @Test
    void sourceAddressesCountUpFromTheFirstSkippingZeroAndBroadcastLookalikes() {
        SimulationSettings settings = new SimulationSettings(1, Duration.ofSeconds(5), 100,
                Map.of(ClientKind.API, 4), Map.of(), 1, false, "127.1.0.253");

        List<ClientPlan> clients = SimulationPlan.of(settings).clients();

        assertThat(clients).extracting(ClientPlan::sourceAddress)
                .containsExactly("127.1.0.253", "127.1.0.254", "127.1.1.1", "127.1.1.2");
        assertThat(clients).extracting(ClientPlan::forwardedFor).containsOnlyNulls();
        assertThat(clients).extracting(ClientPlan::key).containsExactly("127.1.0.253", "127.1.0.254", "127.1.1.1", "127.1.1.2");
    }

    @Test
    void forwardedForClientsShareTheLoopbackSourceAndNameTenAddresses() {
        List<ClientPlan> clients = SimulationPlan.of(settings(1, true, null)).clients();

        assertThat(clients).extracting(ClientPlan::sourceAddress).containsOnly("127.0.0.1");
        assertThat(clients.get(0).forwardedFor()).isEqualTo("10.1.0.1");
        assertThat(clients).extracting(ClientPlan::key).doesNotHaveDuplicates().allMatch(k -> k.startsWith("10.1.0."));
    }

    @Test
    void addressesMustStayInLoopbackWithoutForwardedFor() {
        assertThatThrownBy(() -> SimulationPlan.of(settings(1, false, "10.0.0.1")))
                .hasMessageContaining("127.0.0.0/8");
        SimulationSettings tooMany = new SimulationSettings(1, Duration.ofSeconds(5), 100,
                Map.of(ClientKind.API, 3), Map.of(), 1, false, "127.255.255.253");
        assertThatThrownBy(() -> SimulationPlan.of(tooMany)).hasMessageContaining("room for them all");
    }

    @Test
    void settingsRejectWhatCannotBePlayed() {
        assertThatThrownBy(() -> SimulationSettings.parseMix("browser=2,robot=1")).hasMessageContaining("robot")
                .hasMessageContaining("browser, api, crawler");
        assertThatThrownBy(() -> SimulationSettings.parseMix("browser")).hasMessageContaining("kind=value");
        assertThatThrownBy(() -> SimulationSettings.parseRates("flooder=fast")).hasMessageContaining("a number");
        assertThatThrownBy(() -> new SimulationSettings(1, Duration.ofSeconds(5), 100, Map.of(ClientKind.API, 0),
                Map.of(), 1, false, null)).hasMessageContaining("0 clients");
        assertThatThrownBy(() -> new SimulationSettings(1, Duration.ofSeconds(5), 0, Map.of(ClientKind.API, 1),
                Map.of(), 1, false, null)).hasMessageContaining("max-requests");
        assertThatThrownBy(() -> new SimulationSettings(1, Duration.ofSeconds(5), 10, Map.of(ClientKind.API, 1),
                Map.of(), 0, false, null)).hasMessageContaining("time-scale");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        SimulationSettings defaults = SimulationSettings.defaults(1);

        assertThat(defaults.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.maxRequests()).isEqualTo(200_000);
        assertThat(defaults.clients()).isEqualTo(75);
        assertThat(defaults.rates().get(ClientKind.FLOODER)).isEqualTo(300.0);
        assertThat(defaults.effectiveFirstAddress()).isEqualTo("127.1.0.1");
    }

    static SimulationSettings settings(long seed, boolean forwarded, String first) {
        return new SimulationSettings(seed, Duration.ofSeconds(20), 200_000,
                SimulationSettings.parseMix("browser=10,api=3,crawler=2,flooder=3,scanner=3,stuffer=3,scraper=2"),
                Map.of(), 1.0, forwarded, first);
    }

    /** Everything planned, as text: clients, then each one's first 200 requests. */
    private static List<String> describe(SimulationPlan plan) {
        List<String> lines = new ArrayList<>();
        for (ClientPlan c : plan.clients()) {
            lines.add(c.toString());
            Iterator<PlannedRequest> schedule = c.schedule();
            for (int i = 0; i < 200 && schedule.hasNext(); i++) {
                lines.add(schedule.next().toString());
            }
        }
        return lines;
    }

    private static List<String> kindsByAddress(SimulationPlan plan) {
        return plan.clients().stream().map(c -> c.key() + "=" + c.kind()).toList();
    }

    static List<PlannedRequest> all(Iterator<PlannedRequest> schedule) {
        List<PlannedRequest> requests = new ArrayList<>();
        schedule.forEachRemaining(requests::add);
        return requests;
    }

    static Set<String> paths(List<PlannedRequest> requests) {
        Set<String> paths = new HashSet<>();
        requests.forEach(r -> paths.add(r.path()));
        return paths;
    }
}
