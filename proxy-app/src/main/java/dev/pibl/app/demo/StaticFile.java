package dev.pibl.app.demo;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.Date;

import static java.util.Objects.requireNonNull;

/**
 * One in-memory file under /static/, with every header value computed once. The content buffer is
 * owned by {@link DemoContent}, which releases it; responses take {@code retainedDuplicate()}s.
 */
final class StaticFile {

    /** Every file claims this modification time, so all nodes and all runs agree. */
    private static final long LAST_MODIFIED_MILLIS = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
    static final AsciiString LAST_MODIFIED = AsciiString.cached(DateFormatter.format(new Date(LAST_MODIFIED_MILLIS)));
    static final AsciiString CACHE_CONTROL = AsciiString.cached("public, max-age=60");

    private final ByteBuf content;
    private final AsciiString contentType;
    private final AsciiString contentLength;
    private final AsciiString etag;

    StaticFile(ByteBuf content, AsciiString contentType, AsciiString etag) {
        this.content = requireNonNull(content, "content");
        this.contentType = requireNonNull(contentType, "contentType");
        this.etag = requireNonNull(etag, "etag");
        this.contentLength = AsciiString.cached(Integer.toString(content.readableBytes()));
    }

    ByteBuf content() {
        return content;
    }

    AsciiString contentType() {
        return contentType;
    }

    AsciiString contentLength() {
        return contentLength;
    }

    AsciiString etag() {
        return etag;
    }

    /**
     * RFC 9110 section 13.2.2 order: If-None-Match decides when present (weak comparison), and only
     * without it does If-Modified-Since count. An unparseable date is ignored, as the RFC asks.
     */
    boolean notModified(HttpHeaders request) {
        String inm = request.get(HttpHeaderNames.IF_NONE_MATCH);
        if (inm != null) {
            return matchesAny(inm);
        }
        String ims = request.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims == null) {
            return false;
        }
        Date since = DateFormatter.parseHttpDate(ims);
        return since != null && LAST_MODIFIED_MILLIS <= since.getTime();
    }

    private boolean matchesAny(String list) {
        int i = 0;
        int n = list.length();
        while (i < n) {
            int comma = list.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            int start = i;
            while (start < end && isSpace(list.charAt(start))) {
                start++;
            }
            int stop = end;
            while (stop > start && isSpace(list.charAt(stop - 1))) {
                stop--;
            }
            if (stop - start == 1 && list.charAt(start) == '*') {
                return true;
            }
            if (stop - start > 2 && list.startsWith("W/", start)) {
                start += 2;
            }
            if (stop - start == etag.length() && etag.contentEquals(list.subSequence(start, stop))) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
