package dev.pibl.app.simulate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Turns a planned request into the HTTP/1.1 request a client of its kind would send: its
 * User-Agent (or none), the Accept it would send, X-Forwarded-For when the client is behind a
 * pretend proxy, and a form body for a POST. Stateless; called on event loops.
 */
final class Requests {

    private static final String HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private Requests() {
    }

    /** A new request; the caller owns it (writing it hands it to Netty, which releases it). */
    static FullHttpRequest build(ClientPlan client, PlannedRequest planned, String host, ByteBufAllocator alloc) {
        ByteBuf body = planned.body() == null ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(alloc, planned.body());
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(planned.method()),
                planned.target(), body);
        HttpHeaders headers = request.headers();
        headers.set(HttpHeaderNames.HOST, host);
        if (client.userAgent() != null) {
            headers.set(HttpHeaderNames.USER_AGENT, client.userAgent());
        }
        headers.set(HttpHeaderNames.ACCEPT, accept(client.kind(), planned.path()));
        if (client.kind() == ClientKind.BROWSER) {
            headers.set(HttpHeaderNames.ACCEPT_LANGUAGE, "en-US,en;q=0.9");
        }
        if (client.forwardedFor() != null) {
            headers.set("x-forwarded-for", client.forwardedFor());
        }
        if (planned.body() != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED);
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        return request;
    }

    private static String accept(ClientKind kind, String path) {
        if (kind == ClientKind.API) {
            return "application/json";
        }
        if ((kind == ClientKind.BROWSER || kind == ClientKind.CRAWLER || kind == ClientKind.SCRAPER)
                && path.startsWith("/page/")) {
            return HTML_ACCEPT;
        }
        return "*/*";
    }
}
