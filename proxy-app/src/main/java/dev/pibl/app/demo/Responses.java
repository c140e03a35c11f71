package dev.pibl.app.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/**
 * Builds the demo's response objects with the headers every response carries. No I/O: the
 * handler decides when to write. Called on event loops.
 */
final class Responses {

    // Values come from constants or from request headers the decoder validated, so skip validating them again.
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

    static final AsciiString TEXT = AsciiString.cached("text/plain; charset=utf-8");
    static final AsciiString JSON = AsciiString.cached("application/json");
    private static final AsciiString X_BACKEND = AsciiString.cached("x-backend");
    private static final AsciiString SERVER = AsciiString.cached("pibl-demo");

    private Responses() {
    }

    /**
     * A complete response with Content-Type and Content-Length for {@code body}; when
     * {@code headOnly} the body is measured, released and not sent, as HEAD requires.
     */
    static FullHttpResponse withBody(DemoContent node, HttpResponseStatus status, AsciiString contentType,
                                     ByteBuf body, boolean headOnly) {
        int length = body.readableBytes();
        if (headOnly) {
            body.release();
            body = Unpooled.EMPTY_BUFFER;
        }
        FullHttpResponse response = empty(node, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return response;
    }

    /** A complete response with only the common headers; the caller adds framing headers if any. */
    static FullHttpResponse empty(DemoContent node, HttpResponseStatus status) {
        return empty(node, status, Unpooled.EMPTY_BUFFER);
    }

    /** The head of a response whose body the caller writes in parts. */
    static HttpResponse streamed(DemoContent node) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, HEADERS);
        common(node, response.headers());
        return response;
    }

    static FullHttpResponse staticFile(DemoContent node, StaticFile file, boolean headOnly) {
        FullHttpResponse response = empty(node, HttpResponseStatus.OK,
                headOnly ? Unpooled.EMPTY_BUFFER : file.content().retainedDuplicate());
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, file.contentType())
                .set(HttpHeaderNames.CONTENT_LENGTH, file.contentLength());
        validators(response.headers(), file);
        return response;
    }

    static FullHttpResponse notModified(DemoContent node, StaticFile file) {
        FullHttpResponse response = empty(node, HttpResponseStatus.NOT_MODIFIED);
        validators(response.headers(), file);
        return response;
    }

    static FullHttpResponse continue100() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER, HEADERS, TRAILERS);
    }

    private static FullHttpResponse empty(DemoContent node, HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body, HEADERS, TRAILERS);
        common(node, response.headers());
        return response;
    }

    /** Dynamic answers (everything but the static files) differ per node and request: never cached. */
    private static void common(DemoContent node, HttpHeaders headers) {
        headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.SERVER, SERVER)
                .set(HttpHeaderNames.DATE, HttpDate.now())
                .set(X_BACKEND, node.backendHeader());
    }

    private static void validators(HttpHeaders headers, StaticFile file) {
        headers.set(HttpHeaderNames.ETAG, file.etag())
                .set(HttpHeaderNames.LAST_MODIFIED, StaticFile.LAST_MODIFIED)
                .set(HttpHeaderNames.CACHE_CONTROL, StaticFile.CACHE_CONTROL);
    }
}
