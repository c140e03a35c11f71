package dev.pibl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reports a buffer leak (PARANOID detection). Registered for every test
 * through JUnit's extension auto-detection.
 *
 * <p>Netty only notices a leak when a leaked buffer has been garbage collected and a later
 * allocation polls the detector's queue, so after each test this collects garbage and allocates a
 * few buffers before looking.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        assertThat(ResourceLeakDetector.getLevel())
                .as("tests must run with -Dio.netty.leakDetection.level=paranoid")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            poke(ByteBufAllocator.DEFAULT);
            poke(PooledByteBufAllocator.DEFAULT);
            poke(UnpooledByteBufAllocator.DEFAULT);
        }
        assertThat(RecordingLeakDetector.drain()).as("Netty buffer leaks").isEmpty();
    }

    private static void poke(ByteBufAllocator alloc) {
        for (int i = 0; i < 8; i++) {
            ByteBuf heap = alloc.heapBuffer(16);
            heap.release();
            ByteBuf direct = alloc.directBuffer(16);
            direct.release();
        }
    }
}
