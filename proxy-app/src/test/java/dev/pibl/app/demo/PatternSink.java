package dev.pibl.app.demo;

import java.io.OutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Counts a /bytes body and checks every byte against the pattern, without keeping any of it. */
final class PatternSink extends OutputStream {

    private static final byte[] PERIOD = DemoContent.PATTERN.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private long count;
    private long mismatchAt = -1;

    @Override
    public void write(int b) {
        check((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            check(bytes[i]);
        }
    }

    private void check(byte b) {
        if (mismatchAt < 0 && b != PERIOD[(int) (count % PERIOD.length)]) {
            mismatchAt = count;
        }
        count++;
    }

    long count() {
        return count;
    }

    void assertPatternOf(long expectedLength) {
        assertThat(mismatchAt).as("offset of the first byte off the pattern").isEqualTo(-1);
        assertThat(count).isEqualTo(expectedLength);
    }
}
