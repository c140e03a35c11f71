package dev.pibl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RawHttp;
import dev.pibl.testing.TestBackend;
import dev.pibl.testing.TestProxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * When PIBL answers before the client finished sending its body and then closes, the client,
 * still uploading, must be able to read the answer rather than only see its upload fail.
 */
class EarlyAnswerTest {

    @Test
    void aClientStillUploadingReadsThe413InsteadOfAReset() throws Exception {
        try (TestBackend backend = TestBackend.start("node-1");
             TestProxy proxy = TestProxy.builder().backend(backend).maxBody(1024).start();
             RawHttp client = new RawHttp(proxy.port())) {
            CompletableFuture<Void> upload = client.uploadInBackground(
                    "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: " + (32L << 20) + "\r\n\r\n", 32L << 20);
            Thread.sleep(300); // the 413 is on its way while the upload goes on
            RawHttp.Response r = client.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            upload.get(20, TimeUnit.SECONDS);
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void aClientStillUploadingReadsTheErrorWhenEveryBackendIsDown() throws Exception {
        try (TestProxy proxy = TestProxy.builder().backend("dead", FailureTest.deadPort(), 1).start();
             RawHttp client = new RawHttp(proxy.port())) {
            CompletableFuture<Void> upload = client.uploadInBackground(
                    "PUT /up HTTP/1.1\r\nHost: t\r\nContent-Length: " + (32L << 20) + "\r\n\r\n", 32L << 20);
            Thread.sleep(300);
            assertThat(client.read().status()).isEqualTo(502);
            upload.get(20, TimeUnit.SECONDS);
        }
    }
}
