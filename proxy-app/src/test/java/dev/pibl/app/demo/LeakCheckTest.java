package dev.pibl.app.demo;

import ch.qos.logback.classic.Logger;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proves the leak check can fail, so its silence in the other tests means something. */
class LeakCheckTest {

    static {
        LeakCheck.install();
    }

    @Test
    void aBufferDroppedWithoutReleaseFailsTheCheck() {
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        // Keep this deliberate leak's report off the console, where it would read as a real one.
        detector.setAdditive(false);
        try {
            leakOneBuffer();
            assertThatThrownBy(LeakCheck::assertNoLeaks)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("LEAK");
        } finally {
            detector.setAdditive(true);
        }
    }

    private static void leakOneBuffer() {
        UnpooledByteBufAllocator.DEFAULT.directBuffer(16).writeLong(42);
    }
}
