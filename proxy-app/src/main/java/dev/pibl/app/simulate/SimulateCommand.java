package dev.pibl.app.simulate;

import dev.pibl.config.Durations;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pibl simulate}: plays a mix of benign and abusive clients against a running PIBL, writes
 * who was what (the labels), and evaluates how PIBL's scoring routed them from its access log.
 * Runs on the main thread, which waits while the traffic runs on the simulator's event loops.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drive a running PIBL with simulated clients, each on its own address, and/or evaluate"
                + " how its scoring routed them from its access log.",
                "Kinds: browser, api, crawler (benign); flooder, scanner, stuffer, scraper (abusive)."})
public final class SimulateCommand implements Callable<Integer> {

    /** PIBL's access log is written by an async appender: give it a moment before reading it after a run. */
    private static final Duration LOG_SETTLE = Duration.ofSeconds(1);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "The PIBL to drive (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Same seed, same clients, addresses, paths and times (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long the traffic lasts (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--max-requests", paramLabel = "N", defaultValue = "200000",
            description = "Stop after this many requests, if the duration has not ended first (default: ${DEFAULT-VALUE}).")
    long maxRequests;

    @Option(names = "--mix", paramLabel = "KIND=N,...", defaultValue = SimulationSettings.DEFAULT_MIX,
            description = "Clients per kind (default: ${DEFAULT-VALUE}).")
    String mix;

    @Option(names = "--rate", paramLabel = "KIND=R,...",
            description = "Mean requests per second of one client of a kind (browser: page views), before"
                    + " --time-scale. Defaults: browser=0.33 api=1.33 crawler=1 flooder=300 scanner=20 stuffer=7.5"
                    + " scraper=3.5; each client strays from its kind's rate (a flooder 200-500/s).")
    String rates;

    @Option(names = "--time-scale", paramLabel = "F", defaultValue = "1",
            description = "Multiplies think times and gaps; below 1 gives a quicker run (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "JSON Lines, one client a line: written before the traffic; read with --no-traffic.")
    Path labels;

    @Option(names = "--forwarded-for",
            description = "Connect from 127.0.0.1 and name each client in X-Forwarded-For (10.1.0.1 upwards),"
                    + " for a PIBL whose server.trusted-proxies include 127.0.0.1.")
    boolean forwardedFor;

    @Option(names = "--first-address", paramLabel = "IP",
            description = "The first client's address; the others follow, skipping .0 and .255"
                    + " (default: 127.1.0.1, or 10.1.0.1 with --forwarded-for).")
    String firstAddress;

    @Option(names = "--evaluate", description = "After the traffic (or instead, with --no-traffic), read"
            + " --access-log and report how each kind was routed.")
    boolean evaluate;

    @Option(names = "--access-log", paramLabel = "FILE", description = "PIBL's access log (text or JSON format).")
    Path accessLog;

    @Option(names = "--main-tier", paramLabel = "NAME",
            description = "The tier that means not flagged (default: the tier most clients were first routed to).")
    String mainTier;

    @Option(names = "--no-traffic", description = "Send nothing; only --evaluate, with the --labels of an earlier run.")
    boolean noTraffic;

    @Override
    public Integer call() throws Exception {
        checkCombination();
        try {
            return run(spec.commandLine().getOut(), spec.commandLine().getErr());
        } catch (IOException e) {
            // A file the user named: say which and why, without a stack trace.
            spec.commandLine().getErr().println("pibl simulate: " + describe(e));
            return 1;
        }
    }

    private int run(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        List<Labels.Label> known = null;
        if (!noTraffic) {
            SimulationPlan plan = SimulationPlan.of(settings());
            InetSocketAddress address = resolve(target, forwardedFor);
            known = plan.labels();
            if (labels != null) {
                Labels.write(labels, known);
            }
            List<ClientPlan> clients = plan.clients();
            err.println("pibl simulate: " + clients.size() + " clients (" + mix + ") from "
                    + clients.get(0).key() + " to " + clients.get(clients.size() - 1).key()
                    + (forwardedFor ? " (X-Forwarded-For)" : "") + " against " + target + " for " + duration
                    + " or " + maxRequests + " requests" + (labels != null ? "; labels in " + labels : ""));
            err.flush();
            out.print(Simulator.run(plan, address, target).format());
            out.flush();
        }
        if (!evaluate) {
            return 0;
        }
        if (known == null) {
            known = Labels.read(labels);
        } else {
            Thread.sleep(LOG_SETTLE.toMillis());
        }
        out.print(AccessLogEvaluator.evaluate(accessLog, known, mainTier).format(accessLog.toString()));
        out.flush();
        return 0;
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            return missing.getFile() + ": no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException denied) {
            return denied.getFile() + ": permission denied";
        }
        return e.getMessage();
    }

    private void checkCombination() {
        if (noTraffic && !evaluate) {
            throw usage("--no-traffic does nothing without --evaluate");
        }
        if (evaluate && accessLog == null) {
            throw usage("--evaluate needs --access-log FILE");
        }
        if (noTraffic && labels == null) {
            throw usage("--no-traffic --evaluate needs the --labels FILE of the run that made the log");
        }
        if (!evaluate && (accessLog != null || mainTier != null)) {
            throw usage("--access-log and --main-tier are for --evaluate");
        }
    }

    private SimulationSettings settings() {
        try {
            Duration d = Durations.parse(duration);
            Map<ClientKind, Double> r = rates == null ? new EnumMap<>(ClientKind.class) : SimulationSettings.parseRates(rates);
            return new SimulationSettings(seed, d, maxRequests, SimulationSettings.parseMix(mix), r, timeScale,
                    forwardedFor, firstAddress);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /**
     * The target's address. Without --forwarded-for the clients' sources are in 127.0.0.0/8, which
     * reach only a loopback target.
     */
    private InetSocketAddress resolve(String hostPort, boolean forwarded) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? "" : hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65_535) {
            throw usage("--target: " + hostPort + " (expected: HOST:PORT, such as 127.0.0.1:8080)");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw usage("--target: " + hostPort + " (unknown host)");
        }
        // Loopback only, and IPv4: the clients connect from addresses of 127.0.0.0/8 (127.0.0.1
        // with --forwarded-for), which reach neither an IPv6 address nor another host.
        if (!(address instanceof java.net.Inet4Address) || !address.isLoopbackAddress()) {
            throw usage("--target: " + hostPort + " (expected: an IPv4 loopback address such as 127.0.0.1:8080; the"
                    + " simulated clients connect from 127.0.0.0/8)");
        }
        return new InetSocketAddress(address, port);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), "pibl simulate: " + message);
    }
}
