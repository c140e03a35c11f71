package dev.pibl.app.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * Who plays what: the clients of a simulation, in a seeded random order so that neither addresses
 * nor start times give a kind away, each with its address, User-Agent, connection count, rate
 * and schedule seed. No sockets here: the plan is a pure function of the settings, which is what
 * makes a run reproducible. Immutable; built on any thread.
 */
public final class SimulationPlan {

    private static final String[] BROWSER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    };
    private static final String[] API_AGENTS = {
        "okhttp/4.12.0",
        "ShopApp/5.2.1 (iPhone; iOS 17.4; Scale/3.00)",
        "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 7 Build/UQ1A.240205.004)",
        "inventory-sync/1.8 (+https://example.com/integrations)",
    };
    private static final String[] CRAWLER_AGENTS = {
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    };
    /** A flooder sends one of these or, as often, none at all. */
    private static final String[] FLOODER_AGENTS = {
        "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1", "ApacheBench/2.3", "wrk/4.2.0",
    };
    private static final String[] SCANNER_AGENTS = {
        "Mozilla/5.0 zgrab/0.x",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36 Nuclei",
        "sqlmap/1.8.2#stable (https://sqlmap.org)",
        "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
        "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)",
    };
    /** Stuffing tools mostly pretend to be a browser. */
    private static final String[] STUFFER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Safari/537.36",
        "python-requests/2.31.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0",
    };
    private static final String[] SCRAPER_AGENTS = {
        "Scrapy/2.11.1 (+https://scrapy.org)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36",
        "python-httpx/0.27.0",
    };

    private final SimulationSettings settings;
    private final List<ClientPlan> clients;

    private SimulationPlan(SimulationSettings settings, List<ClientPlan> clients) {
        this.settings = settings;
        this.clients = clients;
    }

    /**
     * Plans {@code settings}.
     *
     * @throws IllegalArgumentException when the clients' addresses would not fit: outside
     *                                  127.0.0.0/8 without --forwarded-for, past 255.255.255.254 with it
     */
    public static SimulationPlan of(SimulationSettings settings) {
        requireNonNull(settings, "settings");
        SplittableRandom rng = new SplittableRandom(settings.seed());
        List<ClientKind> kinds = new ArrayList<>(settings.clients());
        settings.mix().forEach((kind, n) -> {
            for (int i = 0; i < n; i++) {
                kinds.add(kind);
            }
        });
        for (int i = kinds.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            kinds.set(j, kinds.set(i, kinds.get(j)));
        }
        long endNanos = settings.duration().toNanos();
        int address = Ipv4.usable(Ipv4.parse(settings.effectiveFirstAddress()));
        int firstOctet = Ipv4.firstOctet(address);
        if (!settings.forwardedFor() && firstOctet != 127) {
            throw new IllegalArgumentException("first-address: " + settings.effectiveFirstAddress()
                    + " (expected: an address in 127.0.0.0/8, or --forwarded-for)");
        }
        List<ClientPlan> clients = new ArrayList<>(kinds.size());
        for (int i = 0; i < kinds.size(); i++) {
            if (i > 0) {
                address = Ipv4.next(address);
            }
            if (Ipv4.firstOctet(address) != firstOctet) {
                throw new IllegalArgumentException("first-address: " + settings.effectiveFirstAddress() + " with "
                        + kinds.size() + " clients (expected: room for them all in " + firstOctet + ".0.0.0/8)");
            }
            ClientKind kind = kinds.get(i);
            SplittableRandom own = new SplittableRandom(rng.nextLong());
            String ip = Ipv4.format(address);
            clients.add(new ClientPlan(i, kind, settings.forwardedFor() ? "127.0.0.1" : ip,
                    settings.forwardedFor() ? ip : null, userAgent(kind, own), connections(kind, own),
                    settings.rates().get(kind) * spread(kind, own), own.nextLong(), settings.timeScale(), endNanos));
        }
        return new SimulationPlan(settings, List.copyOf(clients));
    }

    public SimulationSettings settings() {
        return settings;
    }

    public List<ClientPlan> clients() {
        return clients;
    }

    /** One label per client, in plan order: what {@code --labels} writes. */
    public List<Labels.Label> labels() {
        return clients.stream().map(c -> new Labels.Label(c.key(), c.key(), c.kind().cliName(), c.kind().label()))
                .toList();
    }

    private static String userAgent(ClientKind kind, SplittableRandom rng) {
        String[] agents = switch (kind) {
            case BROWSER -> BROWSER_AGENTS;
            case API -> API_AGENTS;
            case CRAWLER -> CRAWLER_AGENTS;
            case FLOODER -> FLOODER_AGENTS;
            case SCANNER -> SCANNER_AGENTS;
            case STUFFER -> STUFFER_AGENTS;
            case SCRAPER -> SCRAPER_AGENTS;
        };
        if (kind == ClientKind.FLOODER && rng.nextBoolean()) {
            return null;
        }
        return agents[rng.nextInt(agents.length)];
    }

    /** Browsers open up to six connections per host, as they do; flooders and stuffers a few; the rest one. */
    private static int connections(ClientKind kind, SplittableRandom rng) {
        return switch (kind) {
            case BROWSER -> 6;
            case FLOODER -> 1 + rng.nextInt(4);
            case STUFFER -> 1 + rng.nextInt(2);
            default -> 1;
        };
    }

    /**
     * How far one client's rate strays from its kind's, so that clients of a kind differ: a flooder
     * at the default 300/s sends 200 to 500/s, a scanner 10 to 30/s, a stuffer 5 to 10/s, a
     * scraper 2 to 5/s, an API client every 0.5 to 1 s.
     */
    private static double spread(ClientKind kind, SplittableRandom rng) {
        double[] range = switch (kind) {
            case BROWSER -> new double[] {0.75, 1.25};
            case API -> new double[] {0.75, 1.5};
            case CRAWLER -> new double[] {0.8, 1.2};
            case FLOODER -> new double[] {2.0 / 3, 5.0 / 3};
            case SCANNER -> new double[] {0.5, 1.5};
            case STUFFER -> new double[] {2.0 / 3, 4.0 / 3};
            case SCRAPER -> new double[] {4.0 / 7, 10.0 / 7};
        };
        return range[0] + (range[1] - range[0]) * rng.nextDouble();
    }
}
