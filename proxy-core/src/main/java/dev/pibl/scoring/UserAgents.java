package dev.pibl.scoring;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which User-Agents are rare: sent by fewer than {@code commonClients} distinct clients. A client
 * with an agent nobody else uses is more likely a script than a browser.
 *
 * <p>Each agent (by a 64-bit hash of its text) remembers the first {@code commonClients} distinct
 * clients seen sending it, so a client that keeps switching between two agents does not make
 * either common. Agents live in a Caffeine cache bounded to {@value #MAX_AGENTS} entries that
 * forget an agent unused for an hour. A count-min sketch was the other candidate; it was not
 * chosen because it counts sightings, not distinct clients, cannot be aged without a reset, and
 * has no memory of who sent what. Caffeine's TinyLFU admission keeps what matters: a flood of
 * made-up agents cannot push the common ones out, and an agent that is evicted was rare anyway.
 *
 * <p>Until {@code minClients} clients have been seen, nothing is rare: on a freshly started proxy
 * every agent has only just been seen once.
 *
 * <p>Thread-safe: shared by every client, called from every event loop, but only when a client's
 * agent changes and once per twenty seconds per client after that (see {@link ClientActivity}).
 */
public final class UserAgents {

    /** A User-Agent that no other client sends is rare. */
    public static final int DEFAULT_COMMON_CLIENTS = 2;
    /** Clients seen before anything is called rare. */
    public static final int DEFAULT_MIN_CLIENTS = 50;
    static final int MAX_AGENTS = 10_000;
    private static final int MAX_COMMON_CLIENTS = 64;
    private static final Duration EXPIRY = Duration.ofHours(1);

    private final int commonClients;
    private final int minClients;
    private final Cache<Long, Agent> agents;
    private final AtomicLong clients = new AtomicLong();

    /** Rare means sent by one client only, once 50 clients have been seen. */
    public UserAgents() {
        this(DEFAULT_COMMON_CLIENTS, DEFAULT_MIN_CLIENTS);
    }

    /**
     * @param commonClients distinct clients that make an agent common, 1 to 64 (1: nothing is rare)
     * @param minClients    clients that must have been seen before anything is rare, at least 0
     */
    public UserAgents(int commonClients, int minClients) {
        this(commonClients, minClients, MAX_AGENTS, Ticker.systemTicker());
    }

    UserAgents(int commonClients, int minClients, int maxAgents, Ticker ticker) {
        if (commonClients < 1 || commonClients > MAX_COMMON_CLIENTS) {
            throw new IllegalArgumentException("commonClients: " + commonClients + " (expected: 1.." + MAX_COMMON_CLIENTS + ")");
        }
        if (minClients < 0) {
            throw new IllegalArgumentException("minClients: " + minClients + " (expected: >= 0)");
        }
        requireNonNull(ticker, "ticker");
        this.commonClients = commonClients;
        this.minClients = minClients;
        this.agents = Caffeine.newBuilder()
                .maximumSize(maxAgents)
                .expireAfterAccess(EXPIRY)
                .ticker(ticker)
                .executor(Runnable::run) // upkeep on the caller, as ClientTracker does
                .build();
    }

    /** Clients seen since this was created; a client forgotten and seen again counts again. */
    public long clientsSeen() {
        return clients.get();
    }

    /** Distinct agents remembered now (an estimate, as Caffeine's). */
    public long agents() {
        return agents.estimatedSize();
    }

    void clientSeen() {
        clients.incrementAndGet();
    }

    /**
     * Records that client {@code clientHash} sends agent {@code agentHash}, and says whether that
     * agent is rare now. Recording the same pair again changes nothing but the agent's last use.
     */
    boolean observe(long clientHash, long agentHash) {
        Agent agent = agents.get(agentHash, hash -> new Agent(commonClients));
        int senders = agent.add(clientHash);
        return senders < commonClients && clients.get() >= minClients;
    }

    void cleanUp() {
        agents.cleanUp();
    }

    /** The distinct clients seen sending one agent, up to the number that makes it common. */
    private static final class Agent {

        private final long[] clients;
        private int count;

        Agent(int capacity) {
            clients = new long[capacity];
        }

        /** Adds {@code client} unless already there or the agent is common; how many there are. */
        synchronized int add(long client) {
            for (int i = 0; i < count; i++) {
                if (clients[i] == client) {
                    return count;
                }
            }
            if (count < clients.length) {
                clients[count++] = client;
            }
            return count;
        }
    }
}
