package dev.pibl.cache;

import static dev.pibl.cache.DiskEntries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.cache.DiskIndex.Found;
import dev.pibl.cache.DiskIndex.Merged;
import dev.pibl.cache.DiskIndex.Removal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The index on its own: who wins a race on one key, LRU order, and how long removals are remembered. */
class DiskIndexTest {

    private final DiskIndex index = new DiskIndex(300);

    private DiskIndex rebuilt() {
        index.finishRebuild(List.of());
        return index;
    }

    private List<Removal> install(String key, long ticket) {
        return index.installIfCurrent(key, ticket, entry(key, (int) ticket, 0), 100);
    }

    @Test
    void aNewerInstallOrARemovalBeatsAnOlderWrite() {
        rebuilt();
        long older = index.startWrite();
        long newer = index.startWrite();
        assertThat(install("a", newer)).isEmpty();
        assertThat(index.mayInstall("a", older)).isFalse();
        assertThat(install("a", older)).isNull();
        assertThat(index.get("a").seq).isEqualTo(newer);

        long inFlight = index.startWrite();
        index.remove("a");
        assertThat(install("a", inFlight)).isNull();
        long late = index.startWrite();
        index.removeIf(key -> key.startsWith("b"));
        assertThat(index.mayInstall("b1", late)).isFalse();
        assertThat(index.mayInstall("c", late)).isTrue();
    }

    @Test
    void removalsAreForgottenOnceNoOlderWriteIsInFlight() {
        rebuilt();
        long first = index.startWrite();
        index.remove("a");
        index.removeIf(key -> true);
        long second = index.startWrite();
        index.remove("b");
        assertThat(index.remembered()).isEqualTo(3);
        index.finishWrite(first);
        assertThat(index.remembered()).as("only the removal of b is newer than write two").isEqualTo(1);
        index.finishWrite(second);
        assertThat(index.remembered()).isZero();
        index.remove("c");
        assertThat(index.remembered()).as("nothing in flight: nothing to remember").isZero();
    }

    @Test
    void underContinuousWritesTheMemoryStaysSmall() {
        rebuilt();
        long previous = index.startWrite();
        for (int i = 0; i < 10_000; i++) {
            long next = index.startWrite(); // always one write in flight
            index.remove("k" + i);
            index.finishWrite(previous);
            previous = next;
        }
        assertThat(index.remembered()).isLessThanOrEqualTo(1);
    }

    @Test
    void theRebuildIndexesOldestFirstAndSparesWhatHappenedMeanwhile() {
        long written = index.startWrite();
        install("new", written);
        index.finishWrite(written);
        index.remove("removed");
        Merged merged = index.finishRebuild(List.of(
                new Found(entry("young", 1, 0), 100, 2_000, "y"),
                new Found(entry("new", 1, 0), 100, 500, "n"),
                new Found(entry("removed", 1, 0), 100, 500, "r"),
                new Found(entry("old", 1, 0), 100, 1_000, "o")));
        assertThat(merged.purged()).containsExactly("removed");
        assertThat(merged.entries()).isEqualTo(3);
        assertThat(index.get("new").seq).isEqualTo(written);
        assertThat(index.remembered()).isZero();

        index.touch("old"); // LRU now: young, new, old
        assertThat(install("more", index.startWrite())).extracting(Removal::key).containsExactly("young");
        assertThat(index.bytes()).isEqualTo(300);
    }
}
