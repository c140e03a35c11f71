package dev.pibl.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which User-Agents are rare: the distinct-client threshold, the warm-up rule, re-evaluation and forgetting. */
class UserAgentsTest {

    private static final long SECOND = 1_000_000_000L;

    private static ClientActivity client(UserAgents agents, String key) {
        return new ClientActivity(key, agents, 0);
    }

    private static double rareShare(ClientActivity client, double seconds) {
        double[] into = new double[Features.COUNT];
        client.features(Math.round(seconds * SECOND), into);
        return into[Features.UA_RARE];
    }

    private static void get(ClientActivity client, double seconds, String userAgent) {
        client.onRequest(Math.round(seconds * SECOND), "GET", "/", userAgent);
    }

    @Test
    void anAgentOnlyOneClientSendsIsRareOnceEnoughClientsWereSeen() {
        UserAgents agents = new UserAgents(2, 3);
        ClientActivity bot = client(agents, "203.0.113.7");
        get(bot, 0, "weird-scraper/0.1");
        assertThat(rareShare(bot, 0)).as("one client seen: too early to tell").isZero();

        client(agents, "198.51.100.1");
        client(agents, "198.51.100.2");
        assertThat(agents.clientsSeen()).isEqualTo(3);
        // Rarity is looked at again in the next twenty-second bucket.
        get(bot, 19, "weird-scraper/0.1");
        assertThat(rareShare(bot, 19)).isZero();
        get(bot, 20, "weird-scraper/0.1");
        get(bot, 21, "weird-scraper/0.1");
        assertThat(rareShare(bot, 21)).isCloseTo(2 / 4.0, within(1e-9));
    }

    @Test
    void anAgentTwoClientsSendIsCommon() {
        UserAgents agents = new UserAgents(2, 0);
        ClientActivity first = client(agents, "203.0.113.7");
        ClientActivity second = client(agents, "203.0.113.8");
        String firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

        get(first, 0, firefox);
        assertThat(rareShare(first, 0)).isEqualTo(1);
        get(second, 1, firefox);
        assertThat(rareShare(second, 1)).isZero();

        // The first client learns it at its next bucket: its newer requests are not rare.
        get(first, 20, firefox);
        get(first, 21, firefox);
        assertThat(rareShare(first, 21)).isCloseTo(1 / 3.0, within(1e-9));
    }

    @Test
    void oneClientSwitchingBetweenAgentsDoesNotMakeThemCommon() {
        UserAgents agents = new UserAgents(2, 0);
        ClientActivity rotator = client(agents, "203.0.113.7");
        for (int i = 0; i < 20; i++) {
            get(rotator, i, i % 2 == 0 ? "agent-a" : "agent-b");
        }

        assertThat(rareShare(rotator, 20)).isEqualTo(1);
        assertThat(agents.agents()).isEqualTo(2);
    }

    @Test
    void aFreshProxyCallsNothingRare() {
        UserAgents agents = new UserAgents();
        for (int i = 0; i < 49; i++) {
            ClientActivity client = client(agents, "192.0.2." + i);
            get(client, 0, "agent-" + i);
            assertThat(rareShare(client, 0)).isZero();
        }
        ClientActivity fiftieth = client(agents, "192.0.2.200");
        get(fiftieth, 0, "agent-50");
        assertThat(rareShare(fiftieth, 0)).isEqualTo(1);
    }

    @Test
    void aMissingAgentIsMissingNotRare() {
        UserAgents agents = new UserAgents(2, 0);
        ClientActivity client = client(agents, "203.0.113.7");
        get(client, 0, null);
        get(client, 0, "");

        assertThat(rareShare(client, 1)).isZero();
        assertThat(agents.agents()).isZero();
    }

    @Test
    void anAgentUnusedForAnHourIsForgotten() {
        AtomicLong now = new AtomicLong();
        UserAgents agents = new UserAgents(2, 0, 100, now::get);
        agents.observe(1, 42);
        assertThat(agents.observe(2, 42)).as("two clients").isFalse();

        now.addAndGet(TimeUnit.MINUTES.toNanos(61));
        agents.cleanUp();
        assertThat(agents.agents()).isZero();
        assertThat(agents.observe(3, 42)).as("counted afresh").isTrue();
    }

    @Test
    void thresholdsAreChecked() {
        assertThatThrownBy(() -> new UserAgents(0, 50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("commonClients: 0 (expected: 1..64)");
        assertThatThrownBy(() -> new UserAgents(2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minClients: -1 (expected: >= 0)");
    }
}
