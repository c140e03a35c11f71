package dev.pibl.http;

import static java.util.Objects.requireNonNull;

import dev.pibl.config.LimitsConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Rejects request heads that must not reach a backend, before anything is forwarded. Sits after
 * the HTTP codec and the access log, so every rejection is logged. Inbound: passes acceptable
 * messages on unchanged. On a rejection it releases the message, stops reading, drops everything
 * the client sends after, and answers with the mapped status ({@link ProxyError}) and
 * {@code Connection: close} once the responses to the requests pipelined ahead of it have gone
 * out (so answers stay in order), then closes: after a malformed head the byte stream cannot be
 * trusted to frame another request.
 *
 * <p>Checks: the codec's own failures (request line too long → 414, header block too large → 431,
 * anything unparseable → 400), more header fields than allowed → 431, a missing Host in HTTP/1.1
 * or more than one Host or a Host that is not host[:port] → 400, a request target that is neither
 * origin-form, absolute-form nor {@code OPTIONS *} (or holds control characters) → 400, a version
 * other than HTTP/1.0 or HTTP/1.1 (an HTTP/2 preface included) → 505, CONNECT → 501 (no tunnels), a transfer coding other than
 * one {@code chunked} → 501 (RFC 9112 §6.1; PIBL re-frames bodies per hop and forwards no other
 * coding), {@code chunked} twice → 400, a declared body over the limit → 413, an expectation other
 * than 100-continue → 417. The codec itself (strict RFC 9112 mode, Netty's default) already
 * rejects Content-Length with Transfer-Encoding, differing Content-Lengths, Transfer-Encoding in
 * HTTP/1.0 and a final coding that is not chunked; those arrive here as decoder failures → 400.
 * So do the heads {@link RequestHeadScanner} refuses before the codec (obs-fold, a request line not
 * exactly {@code method SP target SP HTTP/x.y}): 400 with the scanner's reason as the detail.
 * One instance per connection; event loop only.
 */
public final class FramingGuard extends ChannelDuplexHandler {

    private final LimitsConfig limits;
    private boolean rejected;
    /** Requests passed on, and final responses written back: equal when nothing is in flight. */
    private long forwarded;
    private long answered;
    private FullHttpResponse heldRejection;

    public FramingGuard(LimitsConfig limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            Rejection rejection = check(request);
            if (rejection != null) {
                rejected = true;
                ReferenceCountUtil.release(msg);
                if (!ctx.channel().isActive()) {
                    return; // a half-sent head decoded as the connection closed: nobody to answer
                }
                ctx.channel().config().setAutoRead(false);
                heldRejection = ErrorResponses.build(ctx.alloc(), rejection.error, rejection.detail,
                        requestId(request), true);
                sendRejectionWhenInOrder(ctx);
                return;
            }
            forwarded++;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (!interim && msg instanceof LastHttpContent) {
            answered++;
        }
        ctx.write(msg, promise);
        if (heldRejection != null) {
            sendRejectionWhenInOrder(ctx);
        }
    }

    private void sendRejectionWhenInOrder(ChannelHandlerContext ctx) {
        if (answered < forwarded) {
            return;
        }
        FullHttpResponse response = heldRejection;
        heldRejection = null;
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (heldRejection != null) {
            heldRejection.release();
            heldRejection = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }

    private Rejection check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            return decoderFailure(result.cause());
        }
        HttpVersion version = request.protocolVersion();
        if (!"HTTP".equals(version.protocolName()) || version.majorVersion() != 1 || version.minorVersion() > 1) {
            return new Rejection(ProxyError.VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are supported");
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            return new Rejection(ProxyError.NOT_IMPLEMENTED, "CONNECT is not supported");
        }
        if (!validTarget(request)) {
            return new Rejection(ProxyError.MALFORMED_REQUEST, "invalid request target");
        }
        HttpHeaders headers = request.headers();
        // The access log stage added (or replaced) X-Request-Id; do not count it against the client.
        int clientFields = headers.size() - (headers.contains(RequestIds.HEADER) ? 1 : 0);
        if (clientFields > limits.maxHeaders()) {
            return new Rejection(ProxyError.HEADERS_TOO_LARGE,
                    "more than " + limits.maxHeaders() + " header fields");
        }
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_1) && !headers.contains(HttpHeaderNames.HOST)) {
            return new Rejection(ProxyError.MALFORMED_REQUEST, "HTTP/1.1 request without a Host header");
        }
        java.util.List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return new Rejection(ProxyError.MALFORMED_REQUEST, "more than one Host header");
        }
        if (hosts.size() == 1 && !validAuthority(hosts.get(0), 0, hosts.get(0).length())) {
            return new Rejection(ProxyError.MALFORMED_REQUEST, "invalid Host header");
        }
        if (HttpMethod.GET.equals(request.method()) && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY1)
                && headers.contains(HttpHeaderNames.SEC_WEBSOCKET_KEY2)) {
            // The codec gives such a GET (the 2010 hixie-76 WebSocket handshake) an 8-byte body that
            // no Content-Length declares: forwarded, a backend would read those bytes as a request.
            return new Rejection(ProxyError.MALFORMED_REQUEST, "obsolete WebSocket handshake (Sec-WebSocket-Key1/Key2)");
        }
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            Rejection coding = checkTransferCoding(headers.getAll(HttpHeaderNames.TRANSFER_ENCODING));
            if (coding != null) {
                return coding;
            }
        }
        if (limits.maxBodySize() > 0 && HttpUtil.getContentLength(request, -1L) > limits.maxBodySize()) {
            return new Rejection(ProxyError.BODY_TOO_LARGE,
                    "request body larger than " + limits.maxBodySize() + " bytes");
        }
        String expect = headers.get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim())) {
            return new Rejection(ProxyError.EXPECTATION_FAILED, "only Expect: 100-continue is supported");
        }
        return null;
    }

    /**
     * Origin-form ({@code /path?query}), absolute-form ({@code http://authority/path}) or
     * {@code *} for OPTIONS (RFC 9112 §3.2), with no control characters or spaces anywhere.
     */
    private static boolean validTarget(HttpRequest request) {
        String uri = request.uri();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        if (uri.startsWith("/")) {
            return true;
        }
        if (uri.equals("*")) {
            return HttpMethod.OPTIONS.equals(request.method());
        }
        int authorityStart = AbsoluteForm.authorityStart(uri);
        if (authorityStart < 0) {
            return false;
        }
        int authorityEnd = AbsoluteForm.authorityEnd(uri, authorityStart);
        return authorityEnd > authorityStart && validAuthority(uri, authorityStart, authorityEnd);
    }

    /**
     * {@code uri-host [":" port]} (RFC 9110 §7.2): letters, digits and the characters an
     * authority may hold, IPv6 literals in brackets; no spaces, no userinfo ({@code @}).
     */
    static boolean validAuthority(String s, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~%!$&'()*+,;=:[]".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Accepts exactly one {@code chunked} coding, in any case and with optional whitespace. */
    private static Rejection checkTransferCoding(java.util.List<String> fields) {
        int chunked = 0;
        int other = 0;
        for (String field : fields) {
            for (String token : field.split(",", -1)) {
                String coding = token.strip();
                if (coding.isEmpty()) {
                    continue;
                }
                if (coding.equalsIgnoreCase("chunked")) {
                    chunked++;
                } else {
                    other++;
                }
            }
        }
        if (chunked > 1) {
            return new Rejection(ProxyError.MALFORMED_REQUEST, "chunked transfer coding applied more than once");
        }
        if (other > 0) {
            return new Rejection(ProxyError.NOT_IMPLEMENTED, "only the chunked transfer coding is supported");
        }
        return null;
    }

    private static Rejection decoderFailure(Throwable cause) {
        if (cause instanceof MalformedHeadException) {
            return new Rejection(ProxyError.MALFORMED_REQUEST, cause.getMessage());
        }
        if (cause instanceof TooLongHttpLineException) {
            return new Rejection(ProxyError.REQUEST_LINE_TOO_LONG, "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return new Rejection(ProxyError.HEADERS_TOO_LARGE, "request header block too large");
        }
        return new Rejection(ProxyError.MALFORMED_REQUEST, "malformed request");
    }

    static String requestId(HttpRequest request) {
        String id = request.headers().get(RequestIds.HEADER);
        return id != null ? id : RequestIds.next();
    }

    private record Rejection(ProxyError error, String detail) {
    }
}
