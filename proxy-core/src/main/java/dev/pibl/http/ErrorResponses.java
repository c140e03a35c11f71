package dev.pibl.http;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Builds the response PIBL sends for a {@link ProxyError}: the status, a short text body that says
 * what went wrong and carries the request id, and an {@code X-Request-Id} header so a user can find
 * the matching access-log line. Called on event loops; stateless.
 */
public final class ErrorResponses {

    private static final AsciiString TEXT_PLAIN_UTF_8 = AsciiString.cached("text/plain; charset=utf-8");

    private ErrorResponses() {
    }

    /**
     * A complete error response.
     *
     * @param detail    one short sentence for the body, without secrets (it goes to the client)
     * @param requestId the id the access log will show for this exchange
     * @param close     whether the connection closes after it (adds {@code Connection: close})
     */
    public static FullHttpResponse build(ByteBufAllocator alloc, ProxyError error, String detail,
            String requestId, boolean close) {
        requireNonNull(error, "error");
        requireNonNull(detail, "detail");
        requireNonNull(requestId, "requestId");
        String text = error.status().code() + " " + error.status().reasonPhrase() + ": " + detail
                + "\nrequest-id: " + requestId + "\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf body = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, error.status(), body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, TEXT_PLAIN_UTF_8);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        headers.set(RequestIds.HEADER, requestId);
        if (close) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
