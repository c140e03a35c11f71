package dev.pibl.app.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static dev.pibl.app.demo.Responses.JSON;
import static dev.pibl.app.demo.Responses.TEXT;
import static io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST;
import static io.netty.handler.codec.http.HttpResponseStatus.OK;
import static java.util.Objects.requireNonNull;

/**
 * One connection of a demo node: routes each request to its endpoint and writes the response.
 * Sits right after {@code HttpServerCodec}; nothing follows it. Runs on the channel's event loop.
 *
 * <p>The channel has autoRead off and this handler asks for every read, which gives two things at
 * once. Pipelined requests queue here and a request is started only when the previous response is
 * fully written, so responses go out in order. And nothing is read while the channel is not
 * writable, so a /bytes download or an /echo upload of any size keeps memory flat.
 */
final class DemoHandler extends ChannelInboundHandlerAdapter {

    private static final AsciiString GET_HEAD = AsciiString.cached("GET, HEAD");
    private static final AsciiString ECHO_METHODS = AsciiString.cached("POST, PUT, PATCH, DELETE");
    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");
    private static final byte[] NOT_FOUND_BODY = ("not found; try / /add?a=2&b=3 /sub?a=5&b=1 /static/index.html"
            + " /bytes?n=1024 /slow?ms=100 /status/503 /headers /page/x /api/x /robots.txt, or POST /echo"
            + " or /login\n").getBytes(StandardCharsets.US_ASCII);

    private static final long MAX_BYTES = 8L << 30;
    private static final long MAX_SLOW_MS = 60_000;

    private final DemoContent node;
    /** Decoded messages not yet handled; bounded because nothing is read while it is non-empty. */
    private final ArrayDeque<Object> inbound = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;

    // The exchange in progress.
    private boolean inRequest;     // a request head was handled and its LastHttpContent was not
    private boolean responding;    // a response was begun and its last part not yet written
    private boolean echoing;       // request content goes straight into the response
    private boolean head;
    private boolean http10;
    private boolean keepAlive;
    private boolean closing;       // the connection ends once what was written is flushed
    private long pumpRemaining;    // /bytes left to write
    private ScheduledFuture<?> slowTimer;

    private boolean draining;
    private boolean unflushed;

    DemoHandler(DemoContent node) {
        this.node = requireNonNull(node, "node");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        inbound.add(msg);
        drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushIfNeeded();
        readIfWanted();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            resume();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        pumpRemaining = 0;
        echoing = false;
        if (slowTimer != null) {
            slowTimer.cancel(false);
            slowTimer = null;
        }
        releaseInbound();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets and broken pipes are routine for a benchmark target; the connection is all there is to lose.
        ctx.close();
    }

    // ---- flow: what to handle next, when to read, when to flush

    /** Continues whatever was waiting for writability or for a timer, then reads if there is room. */
    private void resume() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (pumpRemaining > 0) {
            pump();
        }
        drain();
        flushIfNeeded();
        readIfWanted();
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Object msg;
            while (!closing && (msg = inbound.peek()) != null) {
                if (!readyForNext()) {
                    // Waiting for writability or for our own response: what is written must reach the socket.
                    flushIfNeeded();
                    break;
                }
                inbound.poll();
                handle(msg);
            }
        } finally {
            draining = false;
        }
        if (closing) {
            releaseInbound();
        }
    }

    /** A new request waits for the previous response; request content waits only when it is echoed. */
    private boolean readyForNext() {
        if (!inRequest) {
            return !responding && ctx.channel().isWritable();
        }
        return !echoing || ctx.channel().isWritable();
    }

    private void readIfWanted() {
        if (!closing && inbound.isEmpty() && readyForNext()) {
            ctx.read();
        }
    }

    private void flushIfNeeded() {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    private void releaseInbound() {
        Object msg;
        while ((msg = inbound.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                reject(request.decoderResult().cause());
                return;
            }
            startRequest(request);
        }
        if (msg instanceof HttpContent content) {
            onContent(content);
        }
    }

    private void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            // The body framing is broken, so the next request cannot be found: nothing to do but close.
            content.release();
            closing = true;
            flushIfNeeded();
            ctx.close();
            return;
        }
        if (last) {
            inRequest = false;
        }
        if (!echoing) {
            content.release();
            return;
        }
        if (last) {
            echoing = false;
            writeLast(content);
        } else {
            ctx.write(content, ctx.voidPromise());
            unflushed = true;
        }
    }

    private void startRequest(HttpRequest request) {
        inRequest = true;
        head = HttpMethod.HEAD.equals(request.method());
        http10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
        keepAlive = HttpUtil.isKeepAlive(request);
        if (unsupportedExpectation(request)) {
            keepAlive = false;
            sendText(HttpResponseStatus.EXPECTATION_FAILED, "only Expect: 100-continue is supported\n");
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            // Every endpoint consumes the body, so the client may always go ahead.
            ctx.writeAndFlush(Responses.continue100(), ctx.voidPromise());
        }
        route(request);
    }

    /** RFC 9110 section 10.1.1: 100-continue is the only expectation defined, and HTTP/1.0 has none. */
    private boolean unsupportedExpectation(HttpRequest request) {
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        return expect != null && !http10 && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect);
    }

    // ---- endpoints

    private void route(HttpRequest request) {
        String uri = request.uri();
        int start = Query.pathStart(uri);
        int q = uri.indexOf('?', start);
        String path = q < 0 ? uri.substring(start) : uri.substring(start, q);
        int query = q < 0 ? -1 : q + 1;
        switch (path) {
            case "/", "" -> send(OK, TEXT, node.rootBody().retainedDuplicate());
            case "/add" -> arithmetic("add", uri, query);
            case "/sub" -> arithmetic("sub", uri, query);
            case "/bytes" -> bytes(uri, query);
            case "/slow" -> slow(uri, query);
            case "/echo" -> echo(request);
            case "/headers" -> sendUtf8(OK, JSON, HeadersJson.render(request, node.jsonName()));
            case "/robots.txt" -> readOnly(request, TEXT, null);
            case "/login" -> login(request);
            default -> {
                if (path.startsWith("/static/")) {
                    staticFile(request, path.substring("/static/".length()));
                } else if (path.startsWith("/status/")) {
                    status(path.substring("/status/".length()));
                } else if (path.startsWith("/page/")) {
                    readOnly(request, HTML, SiteBodies.page(path, node.name()));
                } else if (path.startsWith("/api/")) {
                    readOnly(request, JSON, SiteBodies.api(path, node.jsonName()));
                } else {
                    notFound();
                }
            }
        }
    }

    private void arithmetic(String op, String uri, int query) {
        Arithmetic.Result result = Arithmetic.evaluate(op, Query.param(uri, query, "a"),
                Query.param(uri, query, "b"), node.name());
        sendUtf8(result.status() == 200 ? OK : BAD_REQUEST, JSON, result.json());
    }

    private void staticFile(HttpRequest request, String name) {
        StaticFile file = node.staticFile(name);
        if (file == null) {
            notFound();
        } else if (!head && !HttpMethod.GET.equals(request.method())) {
            methodNotAllowed(GET_HEAD);
        } else if (file.notModified(request.headers())) {
            send(Responses.notModified(node, file));
        } else {
            send(Responses.staticFile(node, file, head));
        }
    }

    /** The simulated site's GET endpoints: {@code body} null means robots.txt. */
    private void readOnly(HttpRequest request, AsciiString contentType, String body) {
        if (!head && !HttpMethod.GET.equals(request.method())) {
            methodNotAllowed(GET_HEAD);
        } else if (body == null) {
            send(OK, contentType, Unpooled.wrappedBuffer(SiteBodies.ROBOTS_TXT));
        } else {
            sendUtf8(OK, contentType, body);
        }
    }

    /**
     * A login form that never accepts anything: credential stuffing in a simulation needs the 401s,
     * not accounts. The form body is read and dropped like any other request content.
     */
    private void login(HttpRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            methodNotAllowed(POST);
            return;
        }
        sendUtf8(HttpResponseStatus.UNAUTHORIZED, JSON, SiteBodies.LOGIN_FAILED);
    }

    private void status(String digits) {
        int code = (int) Query.bounded(digits, 200, 599);
        if (code < 0) {
            sendText(BAD_REQUEST, "status must be an integer from 200 to 599: " + digits + "\n");
            return;
        }
        HttpResponseStatus status = HttpResponseStatus.valueOf(code);
        if (code == 204 || code == 304) {
            // No content, and no Content-Length worth sending.
            send(Responses.empty(node, status));
        } else if (code == 205) {
            FullHttpResponse response = Responses.empty(node, status);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
            send(response);
        } else {
            sendText(status, code + " " + status.reasonPhrase() + "\n");
        }
    }

    private void slow(String uri, int query) {
        String raw = Query.param(uri, query, "ms");
        long ms = Query.bounded(raw, 0, MAX_SLOW_MS);
        if (ms < 0) {
            sendText(BAD_REQUEST, "ms must be an integer from 0 to " + MAX_SLOW_MS + ": " + raw + "\n");
            return;
        }
        responding = true;
        slowTimer = ctx.executor().schedule(() -> {
            slowTimer = null;
            if (!ctx.channel().isActive()) {
                return;
            }
            sendText(OK, "slow " + ms + " ms from " + node.name() + "\n");
            resume();
        }, ms, TimeUnit.MILLISECONDS);
    }

    private void bytes(String uri, int query) {
        String raw = Query.param(uri, query, "n");
        long n = Query.bounded(raw, 0, MAX_BYTES);
        if (n < 0) {
            sendText(BAD_REQUEST, "n must be an integer from 0 to " + MAX_BYTES + ": " + raw + "\n");
            return;
        }
        String chunkedParam = Query.param(uri, query, "chunked");
        boolean chunked;
        if (chunkedParam == null || chunkedParam.equals("0") || chunkedParam.equals("false")) {
            chunked = false;
        } else if (chunkedParam.isEmpty() || chunkedParam.equals("1") || chunkedParam.equals("true")) {
            chunked = true;
        } else {
            sendText(BAD_REQUEST, "chunked must be 0, 1, true or false: " + chunkedParam + "\n");
            return;
        }
        HttpResponse response = head ? Responses.empty(node, OK) : Responses.streamed(node);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        if (chunked) {
            chunkedOrCloseDelimited(headers);
        } else {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, n);
        }
        if (response instanceof FullHttpResponse headOnly) {
            send(headOnly);
            return;
        }
        begin(response);
        pumpRemaining = n;
        pump();
    }

    /** Writes pattern slices until the channel stops being writable; writability brings us back. */
    private void pump() {
        Channel channel = ctx.channel();
        ByteBuf pattern = node.patternChunk();
        while (pumpRemaining > 0 && channel.isWritable()) {
            int length = (int) Math.min(DemoContent.CHUNK_SIZE, pumpRemaining);
            ctx.write(new DefaultHttpContent(pattern.retainedSlice(0, length)), ctx.voidPromise());
            pumpRemaining -= length;
            unflushed = true;
        }
        if (pumpRemaining == 0) {
            writeLast(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        flushIfNeeded();
    }

    private void echo(HttpRequest request) {
        if (head || HttpMethod.GET.equals(request.method())) {
            methodNotAllowed(ECHO_METHODS);
            return;
        }
        HttpResponse response = Responses.streamed(node);
        HttpHeaders headers = response.headers();
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        headers.set(HttpHeaderNames.CONTENT_TYPE, type != null ? type : HttpHeaderValues.APPLICATION_OCTET_STREAM);
        if (HttpUtil.isContentLengthSet(request)) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, HttpUtil.getContentLength(request));
        } else if (HttpUtil.isTransferEncodingChunked(request)) {
            chunkedOrCloseDelimited(headers);
        } else {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
        }
        begin(response);
        echoing = true;
    }

    /** HTTP/1.0 clients cannot read chunked framing; for them the end of the body is the end of the connection. */
    private void chunkedOrCloseDelimited(HttpHeaders headers) {
        if (http10) {
            keepAlive = false;
        } else {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
    }

    private void notFound() {
        send(HttpResponseStatus.NOT_FOUND, TEXT, Unpooled.wrappedBuffer(NOT_FOUND_BODY));
    }

    private void methodNotAllowed(AsciiString allow) {
        FullHttpResponse response = Responses.withBody(node, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                ByteBufUtil.writeAscii(ctx.alloc(), "method not allowed; use " + allow + "\n"), head);
        response.headers().set(HttpHeaderNames.ALLOW, allow);
        send(response);
    }

    private void reject(Throwable cause) {
        HttpResponseStatus status = cause instanceof TooLongHttpLineException
                ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : cause instanceof TooLongHttpHeaderException
                ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : BAD_REQUEST;
        // The decoder discards everything after a bad message, so there is no next request to keep alive for.
        inRequest = false;
        head = false;
        http10 = false;
        keepAlive = false;
        sendText(status, status.code() + " " + status.reasonPhrase() + "\n");
    }

    // ---- writing

    private void sendText(HttpResponseStatus status, String body) {
        sendUtf8(status, TEXT, body);
    }

    private void sendUtf8(HttpResponseStatus status, AsciiString contentType, String body) {
        send(status, contentType, ByteBufUtil.writeUtf8(ctx.alloc(), body));
    }

    private void send(HttpResponseStatus status, AsciiString contentType, ByteBuf body) {
        send(Responses.withBody(node, status, contentType, body, head));
    }

    private void send(FullHttpResponse response) {
        connectionHeader(response);
        writeLast(response);
    }

    /** Writes the head of a response whose body follows in parts. */
    private void begin(HttpResponse response) {
        connectionHeader(response);
        responding = true;
        ctx.write(response, ctx.voidPromise());
        unflushed = true;
    }

    private void connectionHeader(HttpResponse response) {
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** Writes the final part of the current response; a connection that is not kept alive closes after it. */
    private void writeLast(Object msg) {
        responding = false;
        if (keepAlive) {
            ctx.write(msg, ctx.voidPromise());
            unflushed = true;
            return;
        }
        closing = true;
        unflushed = false;
        ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE);
    }
}
