package dev.pibl.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * A leak detector that remembers every leak it reports so {@link LeakCheckExtension} can fail the
 * test that caused it. Installed for every test JVM by the system property
 * {@code io.netty.customResourceLeakDetector} (see the surefire configuration).
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final List<String> LEAKS = new ArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record("LEAK: " + resourceType + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record("LEAK: " + resourceType + " (untraced)");
        super.reportUntracedLeak(resourceType);
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    /** Whether any leak was reported since the last {@link #drain()}. */
    static boolean hasLeaks() {
        synchronized (LEAKS) {
            return !LEAKS.isEmpty();
        }
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    /** The leaks reported since the last call, emptied. */
    static List<String> drain() {
        synchronized (LEAKS) {
            List<String> copy = List.copyOf(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }
}
