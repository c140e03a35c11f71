package dev.pibl.systemtests;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The image every backend container runs: {@code FROM scratch} plus the shared libraries this
 * JVM's own launcher and libjvm load (glibc, libstdc++, libgcc, zlib, as {@code ldd} lists them),
 * about 5 MB. The JDK and pibl.jar are not in it: they are mounted read-only when a container
 * starts ({@link #jdkMounts()}), so the image builds in under a second from files already on the
 * machine and nothing is pulled (no registry can be reached here). Its tag is a hash of its
 * content, so it is built once and reused until the host's libraries change.
 *
 * <p>Called from the test thread only.
 */
final class JreImage {

    private static final String REPOSITORY = "pibl-systest/jre";
    private static final Pattern LDD_PATH = Pattern.compile("(/\\S+) \\(0x");
    private static String name;
    private static List<Path> jdkMounts;

    private JreImage() {
    }

    /** The image's name, building it first if the engine does not have it yet. */
    static synchronized String ensureBuilt() {
        if (name != null) {
            return name;
        }
        List<Path> libraries = libraries();
        String image = REPOSITORY + ":" + contentHash(libraries);
        if (!exists(image)) {
            ImageFromDockerfile build = new ImageFromDockerfile(image, false)
                    .withDockerfileFromBuilder(d -> d.from("scratch").copy("root/", "/").build())
                    .withBuildImageCmdModifier(cmd -> cmd.withPull(false)
                            .withLabels(java.util.Map.of(BackendHosts.LABEL, "true")));
            for (Path library : libraries) {
                // The file's content under the name the loader asks for (libz.so.1, not libz.so.1.2.13).
                build.withFileFromPath("root" + library, realPath(library));
            }
            long started = System.nanoTime();
            build.get();
            System.out.printf("[system-test] built image %s (%d libraries) in %d ms%n", image, libraries.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        name = image;
        return image;
    }

    /** This JVM's home, the JDK every container runs, mounted at the same path. */
    static Path javaHome() {
        return realPath(Path.of(System.getProperty("java.home")));
    }

    /**
     * What must be mounted for the JDK to start in a container: its home, and the directories its
     * symbolic links lead to outside it (Debian's JDK keeps {@code lib/jvm.cfg} and its security
     * files under /etc/java-17-openjdk, so its home alone does not start).
     */
    static synchronized List<Path> jdkMounts() {
        if (jdkMounts == null) {
            jdkMounts = List.copyOf(findJdkMounts());
        }
        return jdkMounts;
    }

    private static List<Path> findJdkMounts() {
        Path home = javaHome();
        TreeSet<Path> outside = new TreeSet<>();
        try (Stream<Path> files = Files.walk(home)) {
            files.filter(Files::isSymbolicLink).forEach(link -> {
                try {
                    Path target = link.toRealPath();
                    if (!target.startsWith(home)) {
                        outside.add(Files.isDirectory(target) ? target : target.getParent());
                    }
                } catch (IOException dangling) {
                    // A link to nothing (a docs link without the docs package) is not needed.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + home, e);
        }
        List<Path> mounts = new ArrayList<>(List.of(home));
        for (Path dir : outside) { // sorted, so a parent comes before what lies under it
            if (mounts.stream().noneMatch(dir::startsWith)) {
                mounts.add(dir);
            }
        }
        return mounts;
    }

    /** The libraries outside the JDK that its launcher and libjvm load, as ldd resolves them. */
    private static List<Path> libraries() {
        Path home = javaHome();
        TreeSet<Path> found = new TreeSet<>();
        for (Path binary : List.of(home.resolve("bin/java"), home.resolve("lib/server/libjvm.so"))) {
            Matcher m = LDD_PATH.matcher(run("ldd", binary.toString()));
            while (m.find()) {
                Path library = Path.of(m.group(1));
                if (!realPath(library).startsWith(home)) {
                    found.add(library);
                }
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("ldd found no shared library for " + home
                    + " (expected: a JDK linked against glibc)");
        }
        return List.copyOf(found);
    }

    private static String contentHash(List<Path> libraries) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path library : libraries) {
                sha.update(library.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(realPath(library)));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean exists(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + path, e);
        }
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command[0], e);
        }
    }
}
