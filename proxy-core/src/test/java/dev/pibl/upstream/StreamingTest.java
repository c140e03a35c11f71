package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.StreamingBackend;
import dev.pibl.testing.TestProxy;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Bodies far larger than any buffer stream through both ways, and the buffer memory in use stays
 * bounded while they do. The test JVM runs with a 512 MiB heap, so holding a 1 GiB body anywhere
 * would also fail it.
 */
class StreamingTest {

    private static final long GIB = 1L << 30;
    private static final long MEMORY_BOUND = 64L << 20;

    @Test
    void oneGibibyteUploadStreamsThroughWithBoundedMemory() throws Exception {
        try (StreamingBackend backend = new StreamingBackend();
             TestProxy proxy = TestProxy.builder().backend("s", backend.port(), 1).start();
             MemoryWatch watch = new MemoryWatch();
             Socket socket = new Socket("127.0.0.1", proxy.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + GIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[251 * 256];
            for (int i = 0; i < block.length; i++) {
                block[i] = (byte) (i % 251);
            }
            long left = GIB;
            while (left > 0) {
                int len = (int) Math.min(block.length, left);
                out.write(block, 0, len);
                left -= len;
            }
            out.flush();
            RawHttp.Response r = readResponse(socket);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo(GIB + " " + StreamingBackend.patternCrc(GIB));
            assertThat(watch.peak()).as("peak buffer memory during the upload").isLessThan(MEMORY_BOUND);
        }
    }

    @Test
    void oneGibibyteDownloadStreamsThroughWithBoundedMemory() throws Exception {
        try (StreamingBackend backend = new StreamingBackend();
             TestProxy proxy = TestProxy.builder().backend("s", backend.port(), 1).start();
             MemoryWatch watch = new MemoryWatch();
             Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.getOutputStream().write(("GET /bytes?n=" + GIB + " HTTP/1.1\r\nHost: t\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + GIB);
            CRC32 crc = new CRC32();
            byte[] buf = new byte[1 << 16];
            long total = 0;
            while (total < GIB) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, GIB - total));
                assertThat(n).isPositive();
                crc.update(buf, 0, n);
                total += n;
            }
            assertThat(crc.getValue()).isEqualTo(StreamingBackend.patternCrc(GIB));
            assertThat(watch.peak()).as("peak buffer memory during the download").isLessThan(MEMORY_BOUND);
        }
    }

    @Test
    void chunkedBodiesStreamBothWays() throws Exception {
        try (StreamingBackend backend = new StreamingBackend();
             TestProxy proxy = TestProxy.builder().backend("s", backend.port(), 1).start();
             RawHttp client = new RawHttp(proxy.port())) {
            StringBuilder req = new StringBuilder("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            long sent = 0;
            StringBuilder pattern = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                pattern.append((char) (i % 251));
            }
            for (int chunk = 0; chunk < 20; chunk++) {
                req.append(Integer.toHexString(pattern.length())).append("\r\n").append(pattern).append("\r\n");
                sent += pattern.length();
            }
            req.append("0\r\n\r\n");
            RawHttp.Response up = client.send(req.toString()).read();
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.bodyText()).startsWith(sent + " ");

            RawHttp.Response down = client.send("GET /bytes?n=300000&chunked=1 HTTP/1.1\r\nHost: t\r\n\r\n").read();
            assertThat(down.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
            assertThat(down.body()).hasSize(300000);
            CRC32 crc = new CRC32();
            crc.update(down.body());
            assertThat(crc.getValue()).isEqualTo(StreamingBackend.patternCrc(300000));
        }
    }

    private static RawHttp.Response readResponse(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        String head = readHead(in);
        int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
        byte[] body = in.readNBytes(length);
        return new RawHttp.Response("HTTP/1.1", Integer.parseInt(head.substring(9, 12)), java.util.List.of(), body,
                java.util.List.of());
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).isNotNegative();
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** Samples the default allocator's used memory every few milliseconds and keeps the peak. */
    private static final class MemoryWatch implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;

        MemoryWatch() {
            var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
            thread = new Thread(() -> {
                while (running.get()) {
                    peak.accumulateAndGet(metric.usedDirectMemory() + metric.usedHeapMemory(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "memory-watch");
            thread.setDaemon(true);
            thread.start();
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
