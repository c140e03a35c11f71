package dev.pibl.app.simulate;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The behaviour of each client kind, as a lazy sequence of {@link PlannedRequest}s in time order.
 * Every choice comes from the client's own seeded random source, so a client's schedule depends
 * on its plan alone. Each sequence is confined to the thread that iterates it.
 */
final class Schedules {

    /** Clients start within this many seconds (scaled), so they do not all open at once. */
    private static final double START_SPREAD_SECONDS = 1.0;

    private Schedules() {
    }

    static Iterator<PlannedRequest> of(ClientPlan plan) {
        return switch (plan.kind()) {
            case BROWSER -> new Browser(plan);
            case API -> new Api(plan);
            case CRAWLER -> new Crawler(plan);
            case FLOODER -> new Flooder(plan);
            case SCANNER -> new Scanner(plan);
            case STUFFER -> new Stuffer(plan);
            case SCRAPER -> new Scraper(plan);
        };
    }

    /** Time, randomness and the ready queue every kind shares; a kind says what comes at {@link #t}. */
    private abstract static class Schedule implements Iterator<PlannedRequest> {

        final SplittableRandom rng;
        final double mean; // seconds between requests (browser: page views), unscaled
        private final double scale;
        private final long end;
        private final ArrayDeque<PlannedRequest> ready = new ArrayDeque<>();
        /** When the next request (or page view) is due, in nanoseconds from the start. */
        long t;

        Schedule(ClientPlan plan) {
            this.rng = new SplittableRandom(plan.seed());
            this.mean = 1 / plan.rate();
            this.scale = plan.timeScale();
            this.end = plan.endNanos();
            this.t = nanos(rng.nextDouble() * START_SPREAD_SECONDS);
        }

        /** Emits what is due at {@link #t} and moves {@link #t} on. */
        abstract void step();

        @Override
        public final boolean hasNext() {
            while (ready.isEmpty() && t < end) {
                step();
            }
            return !ready.isEmpty();
        }

        @Override
        public final PlannedRequest next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        final void get(long at, String target) {
            emit(new PlannedRequest(at, "GET", target, null));
        }

        final void emit(PlannedRequest request) {
            if (request.atNanos() < end) {
                ready.add(request);
            }
        }

        /** Scaled seconds as nanoseconds. */
        final long nanos(double seconds) {
            return (long) (seconds * scale * 1e9);
        }

        /** {@code mean} seconds, off by up to {@code jitter} of it either way: a script's beat. */
        final long steady(double jitter) {
            return nanos(mean * (1 + jitter * (2 * rng.nextDouble() - 1)));
        }

        final String hex(int digits) {
            StringBuilder sb = new StringBuilder(digits);
            for (int i = 0; i < digits; i++) {
                sb.append(Character.forDigit(rng.nextInt(16), 16));
            }
            return sb.toString();
        }

        final <T> T pick(T[] choices) {
            return choices[rng.nextInt(choices.length)];
        }
    }

    /**
     * A person: a page, then its assets in a quick burst (the stylesheet, then images), then an
     * exponentially distributed think time. Popular pages come up more often (Zipf).
     */
    private static final class Browser extends Schedule {

        private static final int IMAGES = 60;
        private boolean first = true;

        Browser(ClientPlan plan) {
            super(plan);
        }

        @Override
        void step() {
            get(t, "/page/" + Zipf.PAGES.sample(rng));
            // The page arrives and is parsed, then the browser asks for everything it links at once.
            long at = t + nanos(0.02 + 0.03 * rng.nextDouble());
            get(at, "/static/style.css");
            // 3 to 40 requests for the page: a light page to a heavy one, so a model trained on
            // this never takes a browser's big burst for a flood.
            int assets = 3 + rng.nextInt(38);
            boolean[] taken = new boolean[IMAGES];
            for (int i = 1; i < assets; i++) {
                int img = rng.nextInt(IMAGES);
                while (taken[img]) {
                    img = (img + 1) % IMAGES;
                }
                taken[img] = true;
                at += nanos(0.01 * rng.nextDouble());
                get(at, (rng.nextInt(10) == 0 ? "/static/100k.bin?img=" : "/static/1k.bin?img=") + img);
            }
            if (first) {
                // Browsers ask for it once per site; the demo site has none, so this is its one 404.
                get(at, "/favicon.ico");
                first = false;
            }
            long think = nanos(-mean * Math.log(1 - rng.nextDouble()));
            t = Math.max(t + think, at + 1);
        }
    }

    /** An app polling a handful of read endpoints on a steady beat with a little jitter. */
    private static final class Api extends Schedule {

        Api(ClientPlan plan) {
            super(plan);
        }

        @Override
        void step() {
            String target = switch (rng.nextInt(5)) {
                case 0 -> "/api/profile";
                case 1 -> "/api/orders";
                case 2 -> "/api/orders/" + (1 + rng.nextInt(20));
                case 3 -> "/api/items?page=" + (1 + rng.nextInt(5));
                default -> "/api/notifications";
            };
            get(t, target);
            t += steady(0.1);
        }
    }

    /** A polite crawler: robots.txt, then distinct pages one after another at its steady pace. */
    private static final class Crawler extends Schedule {

        private int next = -1;
        private final int firstPage;

        Crawler(ClientPlan plan) {
            super(plan);
            firstPage = 1 + rng.nextInt(Zipf.PAGES.size());
        }

        @Override
        void step() {
            get(t, next < 0 ? "/robots.txt" : "/page/" + (firstPage + next));
            next++;
            t += steady(0.2);
        }
    }

    /** One to three paths, hammered: the schedule is as fast as the rate says, the connections permitting. */
    private static final class Flooder extends Schedule {

        private static final String[] TARGETS = {"/", "/page/home", "/api/search?q=sale", "/api/items?page=1",
                "/static/index.html"};
        private final String[] targets;

        Flooder(ClientPlan plan) {
            super(plan);
            String[] shuffled = TARGETS.clone();
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                String s = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = s;
            }
            targets = Arrays.copyOf(shuffled, 1 + rng.nextInt(3));
        }

        @Override
        void step() {
            get(t, pick(targets));
            t += steady(0.5);
        }
    }

    /** Probes for admin pages, leaked secrets and known exploits; a few land on real pages. */
    private static final class Scanner extends Schedule {

        Scanner(ClientPlan plan) {
            super(plan);
        }

        @Override
        void step() {
            String target = switch (rng.nextInt(20)) {
                case 0 -> "/wp-login.php";
                case 1 -> "/wp-admin/";
                case 2 -> "/xmlrpc.php";
                case 3 -> "/.env";
                case 4 -> "/.git/config";
                case 5 -> "/.aws/credentials";
                case 6 -> "/phpmyadmin/index.php";
                case 7 -> "/server-status";
                case 8 -> "/config.php.bak";
                case 9 -> "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php";
                case 10, 11 -> "/admin/" + hex(8);
                case 12 -> "/backup/" + hex(6) + ".zip";
                case 13 -> "/cgi-bin/" + hex(4) + ".cgi";
                case 14 -> "/" + hex(8) + ".php";
                case 15 -> "/.well-known/" + hex(6);
                case 16 -> "/api/v1/" + hex(8); // the demo site answers these: a scanner's occasional hit
                case 17 -> "/robots.txt";
                case 18 -> "/";
                default -> "/static/" + hex(6) + ".js";
            };
            get(t, target);
            t += steady(0.3);
        }
    }

    /** Credential stuffing: a leaked user and password per POST, each refused. */
    private static final class Stuffer extends Schedule {

        private static final String[] PASSWORDS = {"123456", "password", "qwerty123", "letmein", "Summer2024!",
                "iloveyou", "dragon", "monkey1"};

        Stuffer(ClientPlan plan) {
            super(plan);
        }

        @Override
        void step() {
            String body = "username=user" + rng.nextInt(1_000_000) + "%40example.com&password=" + pick(PASSWORDS);
            emit(new PlannedRequest(t, "POST", "/login", body));
            t += steady(0.25);
        }
    }

    /** Low and slow: a new page every beat, nothing else, with hardly any jitter. */
    private static final class Scraper extends Schedule {

        private int next;
        private final int firstItem;

        Scraper(ClientPlan plan) {
            super(plan);
            firstItem = rng.nextInt(100_000);
        }

        @Override
        void step() {
            get(t, "/page/item/" + (firstItem + next++));
            t += steady(0.05);
        }
    }

    /** Page popularity: rank k is chosen with weight 1/k over a fixed number of pages. */
    static final class Zipf {

        static final Zipf PAGES = new Zipf(1000, 1.0);

        private final double[] cdf;

        Zipf(int n, double exponent) {
            cdf = new double[n];
            double sum = 0;
            for (int k = 1; k <= n; k++) {
                sum += 1 / Math.pow(k, exponent);
                cdf[k - 1] = sum;
            }
            for (int i = 0; i < n; i++) {
                cdf[i] /= sum;
            }
        }

        int size() {
            return cdf.length;
        }

        /** A rank from 1 to {@link #size()}. */
        int sample(SplittableRandom rng) {
            int i = Arrays.binarySearch(cdf, rng.nextDouble());
            return Math.min(i < 0 ? -i - 1 : i, cdf.length - 1) + 1;
        }
    }
}
