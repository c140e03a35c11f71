package dev.pibl.app.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /echo streams: the echoed body starts coming back while the upload is still going, which an
 * aggregating server could not do, and arrives intact whatever the request framing.
 */
class EchoTest {

    @RegisterExtension
    static final DemoNode node = new DemoNode();

    private static final int SIZE = 16 << 20;
    private static final int PIECE = 64 * 1024;

    @Test
    void chunkedUploadOfSixteenMebibytesStreamsBackIntact() throws Exception {
        try (RawHttp http = node.connect()) {
            CountDownLatch echoStarted = new CountDownLatch(1);
            Checksum received = new Checksum(echoStarted);
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                http.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-test\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n");
                CRC32 crc = new CRC32();
                SplittableRandom random = new SplittableRandom(7);
                byte[] piece = new byte[PIECE];
                for (int offset = 0; offset < SIZE; offset += PIECE) {
                    if (offset == SIZE / 2) {
                        awaitEcho(echoStarted);
                    }
                    random.nextBytes(piece);
                    crc.update(piece);
                    http.send((Integer.toHexString(PIECE) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    http.send(piece);
                    http.send("\r\n");
                }
                http.send("0\r\n\r\n");
                return crc.getValue();
            });

            RawHttp.Response response = http.read(false, received);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(response.header("content-type")).isEqualTo("application/x-test");
            assertThat(response.header("x-backend")).isEqualTo("node-1");
            assertThat(received.count).isEqualTo(SIZE);
            assertThat(received.crc.getValue()).isEqualTo(sent.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void contentLengthUploadIsAnsweredWithTheSameLength() {
        byte[] body = new byte[3 * PIECE + 17];
        new SplittableRandom(11).nextBytes(body);
        CRC32 expected = new CRC32();
        expected.update(body);
        try (RawHttp http = node.connect()) {
            Checksum received = new Checksum(new CountDownLatch(1));
            http.send("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n").send(body);
            RawHttp.Response response = http.read(false, received);
            RawHttp.Response next = http.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(response.header("content-length")).isEqualTo(Integer.toString(body.length));
            assertThat(response.header("content-type")).isEqualTo("application/octet-stream");
            assertThat(received.crc.getValue()).isEqualTo(expected.getValue());
            assertThat(next.text()).isEqualTo("Hello from node-1\n");
        }
    }

    @Test
    void expectContinueGetsAnInterimResponseFirst() {
        try (RawHttp http = node.connect()) {
            http.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response interim = http.read();
            RawHttp.Response response = http.send("hello").read();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(response.text()).isEqualTo("hello");
        }
    }

    @Test
    void getAndHeadAreNotEchoed() {
        try (RawHttp http = node.connect()) {
            RawHttp.Response get = http.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n").read();
            RawHttp.Response head = http.send("HEAD /echo HTTP/1.1\r\nHost: t\r\n\r\n").read(true);

            assertThat(get.status()).isEqualTo(405);
            assertThat(get.header("allow")).isEqualTo("POST, PUT, PATCH, DELETE");
            assertThat(head.status()).isEqualTo(405);
            assertThat(head.header("content-length")).isEqualTo(get.header("content-length"));
        }
    }

    private static void awaitEcho(CountDownLatch echoStarted) {
        try {
            // Half the body is still unsent: an echo that waited for the whole request would never start.
            assertThat(echoStarted.await(10, TimeUnit.SECONDS)).as("echo began before the upload ended").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** CRC and count of the echoed body; opens the latch once the first mebibyte is back. */
    private static final class Checksum extends OutputStream {
        final CRC32 crc = new CRC32();
        final CountDownLatch started;
        long count;

        Checksum(CountDownLatch started) {
            this.started = started;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            crc.update(bytes, offset, length);
            count += length;
            if (count >= 1 << 20) {
                started.countDown();
            }
        }
    }
}
