package dev.pibl.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Rejects request heads that Netty's decoder would quietly repair: obs-fold continuation lines
 * (RFC 9112 §5.2; the decoder joins them with a space), a whitespace line right after the request
 * line (§2.2), and request lines that are not exactly {@code method SP target SP HTTP/x.y} (§3:
 * the decoder accepts any run of spaces or tabs between the parts and any case in the protocol
 * name). The decoder does this in private code, so the check runs on the raw bytes in front of it.
 *
 * <p>Where it sits: on the client pipeline right before the HTTP codec. What it sends on: the bytes
 * it reads, untouched and in the same buffers, up to the first offending head. In place of that
 * head it sends a request whose decoder result is a failure ({@link MalformedHeadException}, which
 * says what was wrong); the codec passes such a message through as if it had decoded it, so it
 * takes the path of every other malformed request: the access log records it and
 * {@link FramingGuard} answers 400 with {@code Connection: close} once the responses to the
 * requests pipelined ahead of it are out. Every byte read after it is released.
 *
 * <p>To know where the next head starts it follows the framing the decoder uses: a body of
 * Content-Length bytes (skipped by count, never scanned), a chunked body (chunk-size lines with
 * their extensions, chunk data skipped by count, trailer lines), the 8-byte body the decoder
 * assumes for a GET with {@code Sec-WebSocket-Key1} and {@code -Key2}, or none. Lines end at LF
 * with an optional CR before it, as for the decoder, which rejects a bare LF itself (strict line
 * parsing, Netty's default). When the framing is anything the decoder or the guard refuses
 * (Content-Length with Transfer-Encoding, several or non-numeric Content-Lengths, a coding other
 * than one {@code chunked}, a malformed chunk line), that request is rejected downstream and the
 * connection closes, so the scanner just stops looking and passes the rest of the connection's
 * bytes through: it must never refuse a request the decoder would frame differently.
 *
 * <p>State is a few fields: heads are checked as they arrive, split across reads anywhere, and never
 * buffered (the codec enforces the limits on their size). Direct buffers are read through a copy
 * into one 2 KiB array per event loop, heads only: loops over an array measured about twice as
 * fast as over {@code ByteBuf.getByte}, and a {@code ByteProcessor} was slower still (its call site
 * in Netty serves many processors). Nothing is allocated per request. One instance per connection;
 * event loop only.
 */
public final class RequestHeadScanner extends ChannelInboundHandlerAdapter {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte HT = '\t';

    // Between messages and in the request line.
    private static final int BEFORE_REQUEST = 0;
    private static final int METHOD = 1;
    private static final int TARGET_START = 2;
    private static final int TARGET = 3;
    private static final int VERSION = 4;
    private static final int REQUEST_LINE_CR = 5;
    // The header block.
    private static final int LINE_START = 6;
    private static final int LINE_START_CR = 7;
    private static final int NAME = 8;
    private static final int SKIP_LINE = 9;
    private static final int CONTENT_LENGTH = 10;
    private static final int CONTENT_LENGTH_CR = 11;
    private static final int TRANSFER_ENCODING = 12;
    private static final int TRANSFER_ENCODING_CR = 13;
    // A chunked body.
    private static final int CHUNK_SIZE = 14;
    private static final int CHUNK_SIZE_MORE = 15;
    private static final int CHUNK_EXTENSION = 16;
    private static final int CHUNK_LINE_CR = 17;
    private static final int CHUNK_DATA_CR = 18;
    private static final int CHUNK_DATA_LF = 19;
    private static final int TRAILER_START = 20;
    private static final int TRAILER_START_CR = 21;
    private static final int TRAILER = 22;
    // Not byte by byte.
    private static final int SKIP_BODY = 23;
    private static final int PASS = 24;
    private static final int REJECTED = 25;

    /** Field names that change the framing, lower case; bit i of {@link #nameCandidates} is NAMES[i]. */
    private static final byte[][] NAMES = {
        ascii("content-length"), ascii("transfer-encoding"), ascii("sec-websocket-key1"), ascii("sec-websocket-key2")};
    private static final int CONTENT_LENGTH_NAME = 0;
    private static final int TRANSFER_ENCODING_NAME = 1;
    private static final int WEBSOCKET_KEY1_NAME = 2;
    private static final int WEBSOCKET_KEY2_NAME = 3;
    private static final int ALL_NAMES = (1 << NAMES.length) - 1;
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] HTTP_SLASH = ascii("HTTP/");
    private static final byte[] GET = ascii("GET");
    private static final byte[] HTTP_1_1_CRLF = ascii("HTTP/1.1\r\n");
    /** Body length the decoder assumes for a GET with both Sec-WebSocket-Key fields (HttpUtil). */
    private static final int WEBSOCKET_KEY_BODY = 8;
    private static final boolean[] TCHAR = new boolean[128];
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Per event loop: the copy of a direct buffer's bytes being scanned; never kept across calls. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[2048];
        }
    };

    static {
        for (int c = 0; c < 128; c++) {
            TCHAR[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    private int state = BEFORE_REQUEST;
    private MalformedHeadException failure;

    // The current head.
    private int methodLength;
    private boolean methodIsGet;
    private int versionIndex;
    private int major;
    private int minor;
    private boolean firstLine;
    private int nameIndex;
    private int nameCandidates;
    private int contentLengthFields;
    private int contentLengthPhase;
    private long contentLength;
    private boolean contentLengthValid;
    private int transferEncodingFields;
    private int chunkedMatch;
    private int chunkedCount;
    private boolean transferEncodingValid;
    private boolean webSocketKey1;
    private boolean webSocketKey2;

    // The current body.
    private long remaining;
    private int afterBody;
    /** Set by {@link #scan}: the index right after the last message that ended in what it scanned, or -1. */
    private int lastMessageEnd;
    private long chunkSize;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf) || state == PASS) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == REJECTED) {
            buf.release();
            return;
        }
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        // Where the head being scanned starts in this buffer; -1 when it started in an earlier one.
        int headStart = state == BEFORE_REQUEST ? i : -1;
        while (i < end) {
            if (state == SKIP_BODY) {
                // Bodies are skipped by count, never copied nor looked at.
                int n = (int) Math.min(remaining, end - i);
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    state = afterBody;
                    if (state == BEFORE_REQUEST) {
                        headStart = i;
                    }
                }
                continue;
            }
            lastMessageEnd = -1;
            if (buf.hasArray()) {
                int offset = buf.arrayOffset();
                int stop = scan(buf.array(), offset + i, offset + end);
                if (lastMessageEnd >= 0) {
                    headStart = lastMessageEnd - offset;
                }
                i = stop - offset;
            } else {
                // Direct buffers (the sockets' own) are read through a copy, a head's worth at a time.
                byte[] scratch = SCRATCH.get();
                int n = Math.min(end - i, scratch.length);
                buf.getBytes(i, scratch, 0, n);
                int stop = scan(scratch, 0, n);
                if (lastMessageEnd >= 0) {
                    headStart = i + lastMessageEnd;
                }
                i += stop;
            }
            if (state == REJECTED) {
                reject(ctx, buf, headStart);
                return;
            } else if (state == PASS) {
                break;
            }
        }
        ctx.fireChannelRead(buf);
    }

    /**
     * Scans {@code a[from, to)} and returns where it stopped: at {@code to}, inside a body that goes
     * on past it, or right after the byte that settled a verdict ({@link #state} says which); sets
     * {@link #lastMessageEnd} to where the last message that ended in it ended. The bytes
     * most of a head is made of are settled here in tight loops: the method and the target, field
     * values up to the line end, lines whose name cannot change the framing, and the usual
     * {@code HTTP/1.1} CRLF. The rest, a few bytes a head, go through {@link #step}.
     */
    private int scan(byte[] a, int from, int to) {
        int p = from;
        while (p < to) {
            switch (state) {
                case SKIP_LINE:
                    p = indexOfLf(a, p, to);
                    if (p < to) {
                        p++;
                        state = LINE_START;
                    }
                    continue;
                case LINE_START:
                    if (!mayNameFraming(a[p])) {
                        p++;
                        firstLine = false;
                        state = SKIP_LINE;
                        continue;
                    }
                    break;
                case METHOD:
                    while (p < to && isTchar(a[p])) {
                        noteMethodByte(a[p++]);
                    }
                    break;
                case TARGET:
                    while (p < to && isTargetByte(a[p])) {
                        p++;
                    }
                    break;
                case VERSION:
                    if (versionIndex == 0 && to - p >= HTTP_1_1_CRLF.length && startsWith(a, p, HTTP_1_1_CRLF)) {
                        p += HTTP_1_1_CRLF.length;
                        major = 1;
                        minor = 1;
                        endOfRequestLine();
                        continue;
                    }
                    break;
                case TRAILER:
                case CHUNK_EXTENSION:
                    p = indexOfLf(a, p, to);
                    break;
                default:
                    break;
            }
            if (p >= to || step(a[p++])) {
                continue;
            }
            // A message ended, a body starts, or a verdict.
            if (state == SKIP_BODY) {
                int n = (int) Math.min(remaining, to - p);
                p += n;
                remaining -= n;
                if (remaining != 0) {
                    break;
                }
                state = afterBody;
            }
            if (state == BEFORE_REQUEST) {
                lastMessageEnd = p;
            } else if (state == REJECTED || state == PASS) {
                break;
            }
        }
        return p;
    }

    /**
     * Sends on what came before the offending head (whole messages, which the decoder turns into
     * requests before the failure arrives), then the failure. Bytes of the offending head that an
     * earlier read already sent on are harmless: the decoder emits nothing for a head before its
     * last line, and the offending line comes before that.
     */
    private void reject(ChannelHandlerContext ctx, ByteBuf buf, int headStart) {
        int from = buf.readerIndex();
        if (headStart > from) {
            ctx.fireChannelRead(buf.retainedSlice(from, headStart - from));
        }
        buf.release();
        // Shaped like the decoder's own failed request, so the access log shows the two alike.
        DefaultHttpRequest refused = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
        refused.setDecoderResult(DecoderResult.failure(failure));
        ctx.fireChannelRead(refused);
    }

    /** One byte; false when a message ended, a body starts, or on a verdict ({@link #state} says which). */
    private boolean step(byte b) {
        switch (state) {
            case BEFORE_REQUEST:
                if (b == CR || b == LF) {
                    return true; // empty lines before a request line are ignored (RFC 9112 §2.2), as the decoder does
                }
                startHead();
                if (isTchar(b)) {
                    state = METHOD;
                    methodLength = 1;
                    methodIsGet = b == GET[0];
                    return true;
                }
                return reject(b == SP || b == HT ? MalformedHeadException.REQUEST_LINE_SPACING
                        : MalformedHeadException.INVALID_METHOD);
            case METHOD:
                if (isTchar(b)) {
                    noteMethodByte(b);
                    return true;
                }
                if (b == SP) {
                    methodIsGet &= methodLength == GET.length;
                    state = TARGET_START;
                    return true;
                }
                return reject(b == HT ? MalformedHeadException.REQUEST_LINE_SPACING
                        : b == CR || b == LF ? MalformedHeadException.MISSING_VERSION
                        : MalformedHeadException.INVALID_METHOD);
            case TARGET_START:
            case TARGET:
                if (isTargetByte(b)) {
                    state = TARGET;
                    return true;
                }
                if (b == SP && state == TARGET) {
                    state = VERSION;
                    versionIndex = 0;
                    return true;
                }
                return reject(b == SP || b == HT ? MalformedHeadException.REQUEST_LINE_SPACING
                        : b == CR || b == LF ? MalformedHeadException.MISSING_VERSION
                        : MalformedHeadException.INVALID_TARGET);
            case VERSION:
                return version(b);
            case REQUEST_LINE_CR:
                if (b == LF) {
                    return endOfRequestLine();
                }
                return reject(MalformedHeadException.INVALID_VERSION);
            case LINE_START:
                if (b == CR) {
                    state = LINE_START_CR;
                    return true;
                }
                if (b == LF) {
                    return endOfHead();
                }
                if (b == SP || b == HT) {
                    return reject(firstLine ? MalformedHeadException.WHITESPACE_BEFORE_FIELDS
                            : MalformedHeadException.OBS_FOLD);
                }
                firstLine = false;
                state = NAME;
                nameIndex = 0;
                nameCandidates = ALL_NAMES;
                return name(b);
            case LINE_START_CR:
                if (b == LF) {
                    return endOfHead();
                }
                firstLine = false;
                state = SKIP_LINE; // a line starting with a bare CR; the decoder refuses its name
                return true;
            case NAME:
                return name(b);
            case SKIP_LINE:
                if (b == LF) {
                    state = LINE_START;
                }
                return true;
            case CONTENT_LENGTH:
                return contentLength(b);
            case CONTENT_LENGTH_CR:
                if (b == LF) {
                    contentLengthValid = contentLengthPhase != 0;
                    state = LINE_START;
                } else {
                    state = SKIP_LINE; // a bare CR: not a number
                }
                return true;
            case TRANSFER_ENCODING:
                return transferEncoding(b);
            case TRANSFER_ENCODING_CR:
                if (b == LF) {
                    endOfTransferEncoding();
                } else {
                    transferEncodingValid = false;
                    state = SKIP_LINE;
                }
                return true;
            case CHUNK_SIZE:
            case CHUNK_SIZE_MORE:
                return chunkSize(b);
            case CHUNK_EXTENSION:
                if (b == LF) {
                    return endOfChunkLine();
                }
                return true; // the decoder checks the extensions' syntax
            case CHUNK_LINE_CR:
                if (b == LF) {
                    return endOfChunkLine();
                }
                return passThrough();
            case CHUNK_DATA_CR:
                if (b == CR) {
                    state = CHUNK_DATA_LF;
                    return true;
                }
                return passThrough();
            case CHUNK_DATA_LF:
                if (b == LF) {
                    state = CHUNK_SIZE;
                    return true;
                }
                return passThrough();
            case TRAILER_START:
            case TRAILER_START_CR:
                if (b == LF) {
                    return endOfMessage();
                }
                state = b == CR && state == TRAILER_START ? TRAILER_START_CR : TRAILER;
                return true;
            case TRAILER:
                if (b == LF) {
                    state = TRAILER_START;
                }
                return true;
            default:
                throw new IllegalStateException("scanning in state " + state);
        }
    }

    /** Keeps {@link #methodIsGet} up to date; the length is not counted past what that needs. */
    private void noteMethodByte(byte b) {
        if (methodLength <= GET.length) {
            methodIsGet &= methodLength < GET.length && b == GET[methodLength];
            methodLength++;
        }
    }

    private void startHead() {
        methodLength = 0;
        methodIsGet = false;
        major = 0;
        minor = 0;
        contentLengthFields = 0;
        contentLengthValid = false;
        transferEncodingFields = 0;
        chunkedCount = 0;
        transferEncodingValid = true;
        webSocketKey1 = false;
        webSocketKey2 = false;
    }

    /** {@code HTTP/} DIGIT {@code .} DIGIT, then the line end (RFC 9112 §2.3: HTTP-name is case-sensitive). */
    private boolean version(byte b) {
        int i = versionIndex++;
        if (i < HTTP_SLASH.length) {
            if (b == HTTP_SLASH[i]) {
                return true;
            }
            if (i == 0) {
                return reject(b == SP || b == HT ? MalformedHeadException.REQUEST_LINE_SPACING
                        : b == CR || b == LF ? MalformedHeadException.MISSING_VERSION
                        : MalformedHeadException.INVALID_VERSION);
            }
            return reject(MalformedHeadException.INVALID_VERSION);
        }
        switch (i) {
            case 5:
                if (isDigit(b)) {
                    major = b - '0';
                    return true;
                }
                break;
            case 6:
                if (b == '.') {
                    return true;
                }
                break;
            case 7:
                if (isDigit(b)) {
                    minor = b - '0';
                    return true;
                }
                break;
            default:
                if (b == CR) {
                    state = REQUEST_LINE_CR;
                    return true;
                }
                if (b == LF) {
                    return endOfRequestLine();
                }
                break;
        }
        return reject(MalformedHeadException.INVALID_VERSION);
    }

    private boolean endOfRequestLine() {
        state = LINE_START;
        firstLine = true;
        return true;
    }

    /** A byte of a field name (up to the first colon, as the decoder splits it), matched against {@link #NAMES}. */
    private boolean name(byte b) {
        if (b == ':') {
            endOfName();
            return true;
        }
        if (b == LF) {
            state = LINE_START; // no colon: the decoder refuses the line
            return true;
        }
        byte lower = b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
        int i = nameIndex++;
        int alive = nameCandidates;
        for (int c = 0; c < NAMES.length; c++) {
            if ((alive & 1 << c) != 0 && (i >= NAMES[c].length || NAMES[c][i] != lower)) {
                alive &= ~(1 << c);
            }
        }
        nameCandidates = alive;
        if (alive == 0) {
            state = SKIP_LINE; // nothing left to learn from this line but where it ends
        }
        return true;
    }

    private void endOfName() {
        int alive = nameCandidates;
        int matched = -1;
        for (int c = 0; c < NAMES.length; c++) {
            if ((alive & 1 << c) != 0 && NAMES[c].length == nameIndex) {
                matched = c;
            }
        }
        state = SKIP_LINE;
        switch (matched) {
            case CONTENT_LENGTH_NAME:
                // Only the first field is read: with more than one, scanning stops at the head's end.
                if (contentLengthFields++ == 0) {
                    state = CONTENT_LENGTH;
                    contentLengthPhase = 0;
                    contentLength = 0;
                }
                break;
            case TRANSFER_ENCODING_NAME:
                transferEncodingFields++;
                state = TRANSFER_ENCODING;
                chunkedMatch = 0;
                break;
            case WEBSOCKET_KEY1_NAME:
                webSocketKey1 = true;
                break;
            case WEBSOCKET_KEY2_NAME:
                webSocketKey2 = true;
                break;
            default:
                break;
        }
    }

    /** OWS, 1*DIGIT, OWS: what the decoder takes as a length; anything else it refuses. */
    private boolean contentLength(byte b) {
        if (isDigit(b) && contentLengthPhase < 2) {
            int d = b - '0';
            if (contentLengthPhase == 0) {
                contentLengthPhase = 1;
                contentLength = d;
            } else if (contentLength > (Long.MAX_VALUE - d) / 10) {
                state = SKIP_LINE; // past 2^63: the decoder refuses it
            } else {
                contentLength = contentLength * 10 + d;
            }
        } else if (b == SP || b == HT) {
            if (contentLengthPhase == 1) {
                contentLengthPhase = 2;
            }
        } else if (b == CR) {
            state = CONTENT_LENGTH_CR;
        } else if (b == LF) {
            contentLengthValid = contentLengthPhase != 0;
            state = LINE_START;
        } else {
            state = SKIP_LINE;
        }
        return true;
    }

    /**
     * A comma-separated list whose items may only be {@code chunked} (any case) or empty, with OWS
     * around them; {@link #chunkedMatch} is 0 between items, 1 to 7 inside {@code chunked}, 8 after it.
     */
    private boolean transferEncoding(byte b) {
        int m = chunkedMatch;
        if (b == SP || b == HT || b == ',') {
            if (m == CHUNKED.length) {
                chunkedCount++;
            } else if (m != 0 && m <= CHUNKED.length) {
                return invalidTransferEncoding();
            }
            chunkedMatch = b == ',' ? 0 : m == 0 ? 0 : CHUNKED.length + 1;
            return true;
        }
        if (b == CR) {
            state = TRANSFER_ENCODING_CR;
            return true;
        }
        if (b == LF) {
            endOfTransferEncoding();
            return true;
        }
        byte lower = b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
        if (m < CHUNKED.length && CHUNKED[m] == lower) {
            chunkedMatch = m + 1;
            return true;
        }
        return invalidTransferEncoding();
    }

    private void endOfTransferEncoding() {
        int m = chunkedMatch;
        if (m == CHUNKED.length) {
            chunkedCount++;
        } else if (m != 0 && m <= CHUNKED.length) {
            transferEncodingValid = false;
        }
        state = LINE_START;
    }

    private boolean invalidTransferEncoding() {
        transferEncodingValid = false;
        state = SKIP_LINE;
        return true;
    }

    /** The empty line: decides how the body is framed, exactly as the decoder does for what it accepts. */
    private boolean endOfHead() {
        if (transferEncodingFields > 0) {
            if (transferEncodingValid && chunkedCount == 1 && contentLengthFields == 0 && major == 1 && minor == 1) {
                state = CHUNK_SIZE;
                return true;
            }
            return passThrough();
        }
        if (contentLengthFields > 0) {
            if (contentLengthFields > 1 || !contentLengthValid) {
                return passThrough();
            }
            return body(contentLength, BEFORE_REQUEST);
        }
        if (methodIsGet && webSocketKey1 && webSocketKey2) {
            return body(WEBSOCKET_KEY_BODY, BEFORE_REQUEST);
        }
        return endOfMessage();
    }

    /** Hex digits, then optional BWS and extensions up to the line end. */
    private boolean chunkSize(byte b) {
        int digit = hexValue(b);
        if (digit >= 0) {
            chunkSize = state == CHUNK_SIZE ? digit : chunkSize * 16 + digit;
            state = CHUNK_SIZE_MORE;
            if (chunkSize > Integer.MAX_VALUE) {
                return passThrough(); // the decoder refuses chunks this large
            }
            return true;
        }
        if (state == CHUNK_SIZE) {
            return passThrough(); // no size: the decoder refuses the chunk
        }
        if (b == ';' || b == SP || b == HT) {
            state = CHUNK_EXTENSION;
            return true;
        }
        if (b == CR) {
            state = CHUNK_LINE_CR;
            return true;
        }
        if (b == LF) {
            return endOfChunkLine();
        }
        return passThrough();
    }

    private boolean endOfChunkLine() {
        if (chunkSize == 0) {
            state = TRAILER_START;
            return true;
        }
        return body(chunkSize, CHUNK_DATA_CR);
    }

    private boolean body(long length, int next) {
        if (length == 0) {
            state = next;
            return next != BEFORE_REQUEST;
        }
        remaining = length;
        afterBody = next;
        state = SKIP_BODY;
        return false;
    }

    private boolean endOfMessage() {
        state = BEFORE_REQUEST;
        return false;
    }

    private boolean passThrough() {
        state = PASS;
        return false;
    }

    private boolean reject(MalformedHeadException why) {
        failure = why;
        state = REJECTED;
        return false;
    }

    /** Not a space or a control; bytes from 0x80 pass as they did before, FramingGuard judges the target. */
    private static boolean isTargetByte(byte b) {
        return b > SP && b != 0x7f || b < 0;
    }

    /**
     * Whether a line starting with {@code b} needs {@link #step}: the whitespace of obs-fold, the
     * line ends, and the first letters of the names in {@link #NAMES}.
     */
    private static boolean mayNameFraming(byte b) {
        int lower = b | 0x20;
        return lower == 'c' || lower == 't' || lower == 's' || !isTchar(b);
    }

    /** The index of the first LF in {@code a[p, to)}, or {@code to}; eight bytes at a time (SWAR). */
    private static int indexOfLf(byte[] a, int p, int to) {
        for (; to - p >= Long.BYTES; p += Long.BYTES) {
            long x = (long) LONGS.get(a, p) ^ 0x0A0A0A0A0A0A0A0AL;
            long zeroBytes = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (zeroBytes != 0) {
                return p + (Long.numberOfTrailingZeros(zeroBytes) >>> 3);
            }
        }
        while (p < to && a[p] != LF) {
            p++;
        }
        return p;
    }

    private static boolean startsWith(byte[] a, int p, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (a[p + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTchar(byte b) {
        return b >= 0 && TCHAR[b];
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
