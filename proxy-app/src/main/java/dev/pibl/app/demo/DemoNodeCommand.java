package dev.pibl.app.demo;

import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One demo backend on its own, for hosts that are nothing but a backend: the system tests run one
 * in each container ({@code java -cp pibl.jar dev.pibl.app.demo.DemoNodeCommand --name node-1
 * --port 8080}). {@code pibl demo} cannot do this, as it always starts three nodes on loopback and
 * PIBL with them.
 *
 * <p>Runs on the main thread, which prints one {@code listening} line once the port is bound and
 * then waits until the JVM is told to stop (SIGTERM, SIGINT); a shutdown hook closes the node's
 * connections and event loops.
 */
@Command(name = "demo-node", mixinStandardHelpOptions = true,
        description = "Run one demo backend (docs/demo-backends.md) until stopped.")
public final class DemoNodeCommand implements Callable<Integer> {

    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "The node's name, sent as X-Backend and in every body.")
    String name;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
            description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "HOST",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Event-loop threads, 0 = Netty's default (default: ${DEFAULT-VALUE}).")
    int threads;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoNodeCommand()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (threads < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--threads: " + threads + " (expected: >= 0)");
        }
        EventLoopGroup group = DemoTransport.newGroup(threads);
        DemoBackend node;
        try {
            node = DemoBackend.start(name, bind, port, group);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            System.err.println("demo-node: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            new DemoBackendGroup(List.of(node), group).close();
            stopped.countDown();
        }, "demo-node-stop"));
        // Tests and scripts wait for this line to know the port accepts connections.
        System.out.println("demo-node " + name + " listening on " + bind + ":" + node.port());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
