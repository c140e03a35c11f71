package dev.pibl.systemtests;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;

/**
 * Demo backends as hosts of their own: each runs {@code DemoNodeCommand} from pibl.jar in its own
 * container, with its own address on a bridge network made for this test, and the test breaks
 * them the way hosts break: {@link #stop}, {@link #pause} (frozen: the kernel still accepts
 * connections, nothing answers), {@link #disconnect} (cut off), {@link #restart}.
 *
 * <p>Addresses are fixed when the containers are created (.11, .12, ... of the network's subnet),
 * so a stopped, restarted or reconnected host comes back where PIBL, which resolved its backends
 * once at start, expects it. The only addresses traffic goes to are these and loopback.
 *
 * <p>Used from the test thread only. {@link #close} removes the containers and the network.
 */
final class BackendHosts implements AutoCloseable {

    /** Label on everything the system tests create, so leftovers can be found and removed. */
    static final String LABEL = "dev.pibl.systemtest";
    static final int PORT = 8080;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final DockerClient docker = DockerClientFactory.instance().client();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    private final String network;
    private final String networkId;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    /** One backend host. */
    record Node(String name, String ip, GenericContainer<?> container) {
        String url() {
            return "http://" + ip + ":" + PORT;
        }
    }

    private BackendHosts(String network, String networkId) {
        this.network = network;
        this.networkId = networkId;
    }

    /** Starts one demo backend per name, each answering on {@code http://<its address>:8080}. */
    static BackendHosts start(String... names) {
        Path jar = Path.of(System.getProperty("pibl.jar", "../proxy-app/target/pibl.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("pibl.jar: " + jar + " (expected: proxy-app's fat jar; run mvn verify"
                    + " from the top directory, so the reactor packages it first)");
        }
        String image = JreImage.ensureBuilt();
        DockerClient docker = DockerClientFactory.instance().client();
        String network = "pibl-systest-" + UUID.randomUUID().toString().substring(0, 8);
        String subnet = freeSubnet(docker, network);
        String networkId = docker.createNetworkCmd().withName(network).withDriver("bridge")
                .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(subnet)))
                .withLabels(Map.of(LABEL, "true")).exec().getId();
        BackendHosts hosts = new BackendHosts(network, networkId);
        try {
            for (int i = 0; i < names.length; i++) {
                String ip = hostAddress(subnet, 11 + i);
                hosts.nodes.put(names[i], new Node(names[i], ip, container(image, jar, network, names[i], ip)));
            }
            Startables.deepStart(hosts.nodes.values().stream().map(Node::container)).join();
        } catch (RuntimeException e) {
            hosts.close();
            throw e;
        }
        hosts.log("started " + hosts.nodes.values().stream().map(n -> n.name() + "@" + n.ip()).toList()
                + " on network " + network + " (" + subnet + ")");
        return hosts;
    }

    private static GenericContainer<?> container(String image, Path jar, String network, String name, String ip) {
        Path java = JreImage.javaHome().resolve("bin/java");
        GenericContainer<?> c = new GenericContainer<>(image)
                .withImagePullPolicy(imageName -> false) // built here; a pull could only hang
                .withNetworkMode(network)
                .withCreateContainerCmdModifier(cmd -> cmd.withName(network + "-" + name).withIpv4Address(ip))
                .withLabel(LABEL, "true")
                .withTmpFs(Map.of("/tmp", "rw")) // Netty unpacks its native epoll library there
                .withFileSystemBind(jar.toString(), "/pibl/pibl.jar", BindMode.READ_ONLY)
                .withCommand(java.toString(), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-cp", "/pibl/pibl.jar", "dev.pibl.app.demo.DemoNodeCommand", "--name", name,
                        "--port", String.valueOf(PORT))
                .waitingFor(Wait.forLogMessage(".*demo-node " + name + " listening.*", 1)
                        .withStartupTimeout(START_TIMEOUT));
        for (Path mount : JreImage.jdkMounts()) {
            c.withFileSystemBind(mount.toString(), mount.toString(), BindMode.READ_ONLY);
        }
        return c;
    }

    /**
     * A subnet no other network uses: the one the engine itself picks for a network created
     * without one. Fixed addresses need a subnet named at creation, so the probe network is
     * removed and created again with it.
     */
    private static String freeSubnet(DockerClient docker, String network) {
        String probe = docker.createNetworkCmd().withName(network).withDriver("bridge").exec().getId();
        try {
            return docker.inspectNetworkCmd().withNetworkId(probe).exec().getIpam().getConfig().get(0).getSubnet();
        } finally {
            docker.removeNetworkCmd(probe).exec();
        }
    }

    /** The {@code n}-th address of an IPv4 {@code subnet} such as 172.18.0.0/16. */
    private static String hostAddress(String subnet, int n) {
        try {
            byte[] a = InetAddress.getByName(subnet.substring(0, subnet.indexOf('/'))).getAddress();
            a[3] = (byte) ((a[3] & 0xff) + n);
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("subnet: " + subnet + " (expected: an IPv4 network such as 172.18.0.0/16)", e);
        }
    }

    Node node(String name) {
        return requireNonNull(nodes.get(name), () -> "no backend host named " + name);
    }

    /** The {@code backends:} section of a PIBL config naming every host, indented for YAML. */
    String backendsYaml() {
        StringBuilder sb = new StringBuilder("backends:\n");
        for (Node n : nodes.values()) {
            sb.append("  - { name: ").append(n.name()).append(", url: \"").append(n.url()).append("\" }\n");
        }
        return sb.toString();
    }

    /** {@code docker stop}: SIGTERM, the JVM exits, the container's network namespace goes away. */
    void stop(String name) {
        log("docker stop " + name);
        docker.stopContainerCmd(id(name)).withTimeout(10).exec();
    }

    /** {@code docker start} of a stopped host; returns once it answers again. */
    void start(String name) {
        log("docker start " + name);
        docker.startContainerCmd(id(name)).exec();
        awaitAnswering(name);
    }

    /** {@code docker restart}; returns once it answers again. */
    void restart(String name) {
        log("docker restart " + name);
        docker.restartContainerCmd(id(name)).withTimeout(10).exec();
        awaitAnswering(name);
    }

    /** {@code docker pause}: its processes freeze; its kernel still completes TCP handshakes. */
    void pause(String name) {
        log("docker pause " + name);
        docker.pauseContainerCmd(id(name)).exec();
    }

    void unpause(String name) {
        log("docker unpause " + name);
        docker.unpauseContainerCmd(id(name)).exec();
    }

    /** {@code docker network disconnect}: its interface is gone; packets to its address go nowhere. */
    void disconnect(String name) {
        log("docker network disconnect " + name);
        docker.disconnectFromNetworkCmd().withNetworkId(networkId).withContainerId(id(name)).exec();
    }

    /** {@code docker network connect} with its old address; returns once it answers again. */
    void reconnect(String name) {
        log("docker network connect " + name);
        docker.connectToNetworkCmd().withNetworkId(networkId).withContainerId(id(name))
                .withContainerNetwork(new ContainerNetwork()
                        .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(node(name).ip())))
                .exec();
        awaitAnswering(name);
    }

    /** Waits until the host answers {@code GET /} itself, as its name. */
    void awaitAnswering(String name) {
        URI uri = URI.create(node(name).url() + "/");
        Awaitility.await(name + " answering at " + uri).atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && name.equals(r.headers().firstValue("X-Backend").orElse(null));
                });
    }

    private String id(String name) {
        return node(name).container().getContainerId();
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Node n : nodes.values()) {
            try {
                String id = n.container().getContainerId();
                if (id != null && Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getPaused())) {
                    docker.unpauseContainerCmd(id).exec(); // a paused container cannot be killed
                }
                n.container().stop();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        try {
            docker.removeNetworkCmd(networkId).exec();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("cleaning up network " + network + " failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private void log(String what) {
        System.out.println("[system-test] " + what);
    }
}
