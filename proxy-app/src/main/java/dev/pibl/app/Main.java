package dev.pibl.app;

import dev.pibl.app.demo.DemoBackend;
import dev.pibl.app.demo.DemoBackendGroup;
import dev.pibl.app.simulate.SimulateCommand;
import dev.pibl.config.ConfigException;
import dev.pibl.config.ConfigLoader;
import dev.pibl.config.PiblConfig;
import dev.pibl.server.ConfigSource;
import dev.pibl.server.ProxyServer;
import dev.pibl.server.ScoringSetup;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code pibl} command: runs the proxy, checks a config ({@code --check}, like {@code nginx -t}),
 * runs the demo ({@code pibl demo}), drives a PIBL with labelled simulated clients
 * ({@code pibl simulate}) or fits a behaviour model to what PIBL exported ({@code pibl train}). Runs on the main thread, which after start-up only waits
 * for SIGTERM or SIGINT and then drains the server; SIGHUP reloads the configuration meanwhile.
 */
@Command(name = "pibl", mixinStandardHelpOptions = true, version = "pibl 0.1.0",
        description = "PIBL: HTTP/1.1 reverse proxy and load balancer.",
        subcommands = {Main.Demo.class, SimulateCommand.class, TrainCommand.class})
public final class Main implements Callable<Integer> {

    /** Where the config is looked for when --config is not given, in order. */
    static final List<Path> DEFAULT_CONFIGS = List.of(Path.of("config/pibl.yaml"), Path.of("/etc/pibl/pibl.yaml"));

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", scope = CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
            description = "YAML config. Default: config/pibl.yaml, else /etc/pibl/pibl.yaml.")
    Path config;

    @Option(names = "--port", scope = CommandLine.ScopeType.INHERIT, paramLabel = "N", description = "Listen on this port instead of server.port.")
    Integer port;

    @Option(names = "--ttl", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DURATION",
            description = "Default cache TTL (e.g. 60s, 5m), instead of cache.default-ttl.")
    String ttl;

    @Option(names = "--check", description = "Validate the config and exit: 0 if valid, 1 with the problems.")
    boolean check;

    public static void main(String[] args) {
        // Netty 4.2 defaults to its adaptive allocator; for a proxy's many small, short-lived
        // buffers the pooled one measured a few percent less CPU per request (docs/benchmarks.md).
        // Set before any Netty class loads; -Dio.netty.allocator.type=... on the command line wins.
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "pooled");
        }
        int code = new CommandLine(new Main()).execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        PiblConfig loaded = loadOrReport(spec.commandLine().getErr());
        if (loaded == null) {
            return 1;
        }
        if (check) {
            spec.commandLine().getOut().println("pibl: configuration " + configPath() + " is valid");
            return 0;
        }
        return serve(loaded, configSource(), null);
    }

    /** The config with CLI overrides applied, or null after printing every problem. */
    PiblConfig loadOrReport(PrintWriter err) {
        Path path = configPath();
        List<String> problems;
        try {
            return configSource().load();
        } catch (ConfigException e) {
            problems = e.problems();
        }
        for (String problem : problems) {
            err.println(problem);
        }
        err.println("pibl: configuration " + path + " is invalid (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + ")");
        return null;
    }

    /**
     * Reads the config as start-up did, from the same file with the same command-line overrides:
     * what {@code pibl --check} validates, what PIBL starts with and what a reload reads again.
     */
    ConfigSource configSource() {
        Path path = configPath();
        Integer portOverride = port;
        String ttlOverride = ttl;
        return () -> {
            PiblConfig config = ConfigLoader.applyOverrides(ConfigLoader.load(path), portOverride, ttlOverride);
            // What the loader cannot see: whether the files the config names (model files) load.
            List<String> problems = ScoringSetup.check(config);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return config;
        };
    }

    private Path configPath() {
        if (config != null) {
            return config;
        }
        return DEFAULT_CONFIGS.stream().filter(Files::isRegularFile).findFirst().orElse(DEFAULT_CONFIGS.get(0));
    }

    /**
     * Starts the server, tells systemd when it listens, reloads {@code source} on SIGHUP, waits for
     * SIGTERM/SIGINT, drains; 0 on a clean stop.
     */
    static int serve(PiblConfig config, ConfigSource source, AutoCloseable alsoStop) throws Exception {
        LoggingSetup.apply(config.logging(),
                config.balancing().score() == null ? null : config.balancing().score().exportFeatures());
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        // Handled from the start, so that a SIGHUP before PIBL listens is not the JVM's exit 129.
        AtomicReference<RunningService> running = new AtomicReference<>();
        Signals.onReload(() -> {
            RunningService service = running.get();
            if (service == null) {
                org.slf4j.LoggerFactory.getLogger(Main.class).info("SIGHUP before PIBL listens: nothing to reload yet");
            } else {
                service.requestReload();
            }
        });
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv());
        ProxyServer server;
        try {
            server = ProxyServer.start(config);
        } catch (IllegalStateException e) {
            org.slf4j.LoggerFactory.getLogger(Main.class).error("pibl: {}", e.getMessage());
            systemd.close();
            LoggingSetup.stop();
            return 1;
        }
        server.setConfigSource(source);
        RunningService service = RunningService.start(server, systemd);
        running.set(service);
        stop.await();
        service.stopping();
        server.stop();
        systemd.close();
        if (alsoStop != null) {
            alsoStop.close();
        }
        LoggingSetup.stop();
        return 0;
    }

    /** {@code pibl demo}: three demo backends on 127.0.0.1:9001-9003 and the proxy in front of them. */
    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Start demo backends node-1..3 on 127.0.0.1:9001-9003 and PIBL in front of them.")
    static final class Demo implements Callable<Integer> {

        @CommandLine.ParentCommand
        Main parent;

        @Option(names = "--backends", paramLabel = "N", defaultValue = "3",
                description = "How many demo backends to start (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--first-port", paramLabel = "PORT", defaultValue = "9001",
                description = "Port of node-1; the others follow (default: ${DEFAULT-VALUE}).")
        int firstPort;

        @Override
        public Integer call() throws Exception {
            PiblConfig loaded = parent.loadOrReport(parent.spec.commandLine().getErr());
            if (loaded == null) {
                return 1;
            }
            DemoBackendGroup backends = DemoBackend.startAll("127.0.0.1", firstPort, count, 1);
            parent.spec.commandLine().getErr().println("pibl demo: backends " + backends.backends().stream()
                    .map(b -> b.name() + "@127.0.0.1:" + b.port()).toList() + "; try: curl localhost:"
                    + loaded.server().port() + "/");
            parent.spec.commandLine().getErr().flush();
            return serve(loaded, parent.configSource(), backends::close);
        }
    }
}
