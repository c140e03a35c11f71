package dev.pibl.server;

import dev.pibl.config.BackendConfig;
import dev.pibl.config.BalancingConfig;
import dev.pibl.config.PiblConfig;
import dev.pibl.config.ScoringConfig;
import dev.pibl.config.ServerConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a reloaded configuration changes, by YAML key, split into what a reload applies and what
 * only a restart can (the listener, its event loops and limits, the cache, the admin listener, the
 * log files), and the configuration to run with meanwhile: the new one with those parts kept as
 * they are. Plain Java, on the reloading thread.
 */
final class ConfigChanges {

    private static final String EXPORT_FEATURES = "balancing.score.export-features";

    private final List<String> applied;
    private final List<String> restartRequired;
    private final PiblConfig effective;

    private ConfigChanges(List<String> applied, List<String> restartRequired, PiblConfig effective) {
        this.applied = List.copyOf(applied);
        this.restartRequired = List.copyOf(restartRequired);
        this.effective = effective;
    }

    /** The changes from {@code running} to {@code loaded}. */
    static ConfigChanges between(PiblConfig running, PiblConfig loaded) {
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        List<String> all = new ArrayList<>();
        backends(running.backends(), loaded.backends(), applied);
        differences("balancing", running.balancing(), loaded.balancing(), all);
        differences("timeouts", running.timeouts(), loaded.timeouts(), all);
        differences("upstream", running.upstream(), loaded.upstream(), all);
        differences("health", running.health(), loaded.health(), all);
        differences("server", running.server(), loaded.server(), all);
        differences("cache", running.cache(), loaded.cache(), all);
        differences("logging", running.logging(), loaded.logging(), all);
        differences("admin", running.admin(), loaded.admin(), all);
        for (String key : all) {
            (needsRestart(key) ? restart : applied).add(key);
        }
        PiblConfig effective = effective(running, loaded);
        ScoringConfig wanted = loaded.balancing().score();
        if (wanted != null && wanted.exportFeatures() != null
                && !wanted.exportFeatures().equals(effective.balancing().score().exportFeatures())
                && !restart.contains(EXPORT_FEATURES)) {
            restart.add(EXPORT_FEATURES); // also when score balancing itself is new: the file is wired at start
        }
        return new ConfigChanges(applied, restart, effective);
    }

    /** Changes the reload applies, by key ({@code backends: added node-4}, {@code timeouts.response}). */
    List<String> applied() {
        return applied;
    }

    /** Changed keys that keep their running value until a restart. */
    List<String> restartRequired() {
        return restartRequired;
    }

    /** The configuration to run with: the loaded one, with every restart-only part as it runs now. */
    PiblConfig effective() {
        return effective;
    }

    private static boolean needsRestart(String key) {
        if (key.equals("server.trusted-proxies") || key.equals("logging.detail")) {
            return false;
        }
        return key.startsWith("server.") || key.startsWith("cache.") || key.startsWith("admin.")
                || key.startsWith("logging.") || key.equals(EXPORT_FEATURES);
    }

    private static PiblConfig effective(PiblConfig running, PiblConfig loaded) {
        ServerConfig s = running.server();
        ServerConfig server = new ServerConfig(s.port(), s.bind(), s.ioThreads(), s.limits(),
                loaded.server().trustedProxies(), s.maxConnections(), s.overload());
        BalancingConfig balancing = loaded.balancing();
        ScoringConfig score = balancing.score();
        if (score != null) {
            // Where features go is wired into the logging at start: keep what runs, or nothing.
            ScoringConfig before = running.balancing().score();
            score = score.withExportFeatures(before == null ? null : before.exportFeatures());
            balancing = new BalancingConfig(balancing.policy(), score);
        }
        return new PiblConfig(server, loaded.backends(), balancing, loaded.timeouts(), loaded.upstream(),
                loaded.health(), running.cache(), running.logging().withDetail(loaded.logging().detail()),
                running.admin());
    }

    /** Backends by name: added, removed, and what changed in the ones both lists have. */
    private static void backends(List<BackendConfig> before, List<BackendConfig> after, List<String> out) {
        Map<String, BackendConfig> old = new LinkedHashMap<>();
        before.forEach(b -> old.put(b.name(), b));
        Map<String, BackendConfig> now = new LinkedHashMap<>();
        after.forEach(b -> now.put(b.name(), b));
        for (BackendConfig b : after) {
            BackendConfig was = old.get(b.name());
            if (was == null) {
                out.add("backends: added " + b.name() + " (" + b.url() + ")");
            } else if (!was.url().equals(b.url())) {
                out.add("backends." + b.name() + ".url: " + was.url() + " -> " + b.url());
            } else if (was.weight() != b.weight()) {
                out.add("backends." + b.name() + ".weight: " + was.weight() + " -> " + b.weight());
            } else if (!was.equals(b)) {
                out.add("backends." + b.name());
            }
        }
        for (BackendConfig b : before) {
            if (!now.containsKey(b.name())) {
                out.add("backends: removed " + b.name() + " (" + b.url() + ")");
            }
        }
        if (out.isEmpty() && !before.equals(after)) {
            out.add("backends: order"); // same backends, listed differently: round-robin order changes
        }
    }

    /**
     * Adds the key of every leaf that differs between {@code a} and {@code b}, walking nested
     * configuration records; a value that is not such a record (a list, a duration, a section
     * present on one side only) is one leaf.
     */
    private static void differences(String key, Object a, Object b, List<String> out) {
        if (Objects.equals(a, b)) {
            return;
        }
        if (a == null || b == null || a.getClass() != b.getClass() || !a.getClass().isRecord()
                || !a.getClass().getPackageName().equals(PiblConfig.class.getPackageName())) {
            out.add(key);
            return;
        }
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            differences(key + "." + kebab(c.getName()), value(c, a), value(c, b), out);
        }
    }

    private static Object value(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
        }
    }

    /** {@code clientHeader} → {@code client-header}: record components as the YAML spells them. */
    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                sb.append('-').append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
