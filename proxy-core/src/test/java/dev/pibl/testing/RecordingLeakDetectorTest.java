package dev.pibl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check can fail: a buffer dropped without release is reported and recorded. */
class RecordingLeakDetectorTest {

    @Test
    void aDroppedBufferIsRecordedAsALeak() throws Exception {
        ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42); // never released
        for (int i = 0; i < 50 && !RecordingLeakDetector.hasLeaks(); i++) {
            System.gc();
            Thread.sleep(20);
            ByteBufAllocator.DEFAULT.directBuffer(16).release();
        }
        // drain() also empties the record, so the extension's own check after this test stays green.
        assertThat(RecordingLeakDetector.drain()).isNotEmpty().first().asString().startsWith("LEAK: ");
    }
}
