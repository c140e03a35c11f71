package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which headers are hop-by-hop, and the persistence each Connection value asks for. */
class HopByHopHeadersTest {

    @ParameterizedTest(name = "{0} with Connection [{1}] persists: {2}")
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 |                    | true",
        "HTTP/1.1 | close              | false",
        "HTTP/1.1 | Keep-Alive, X-A    | true",
        "HTTP/1.1 | x-a, CLOSE         | false",
        "HTTP/1.0 |                    | false",
        "HTTP/1.0 | keep-alive         | true",
        "HTTP/1.0 | keep-alive, close  | false",
    })
    void persistenceFollowsRfc9112(String version, String connection, boolean persists) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (connection != null) {
            h.add("Connection", connection);
        }
        assertThat(HopByHopHeaders.strip(h, HttpVersion.valueOf(version))).isEqualTo(persists);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Connection",
        "Proxy-Authorization", "proxy-authenticate", "X-Named-In-Connection"})
    void removesHopByHopHeadersAndKeepsTheRestInOrder(String hop) {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("X-First", "1")
                .add(hop, "v")
                .add("Connection", "x-named-in-connection")
                .add("X-Last", "2");
        HopByHopHeaders.strip(h, HttpVersion.HTTP_1_1);
        assertThat(h.names()).containsExactly("X-First", "X-Last");
    }
}
