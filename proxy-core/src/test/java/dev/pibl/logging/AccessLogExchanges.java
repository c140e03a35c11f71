package dev.pibl.logging;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The requests and responses the access-log stage's tests pass through it. */
final class AccessLogExchanges {

    private AccessLogExchanges() {
    }

    /** A POST with a body, a Host, and credentials the log must redact. */
    static FullHttpRequest request(String uri, String body) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set("Host", "a").set("Authorization", "Bearer secret");
        return r;
    }

    static DefaultFullHttpResponse response(HttpResponseStatus status, String body) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }
}
