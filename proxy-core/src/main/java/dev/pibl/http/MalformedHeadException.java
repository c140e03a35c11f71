package dev.pibl.http;

/**
 * Why {@link RequestHeadScanner} refused a request head. It travels as the cause of a failed
 * {@code DecoderResult}, and its message is the detail the client reads in the 400 body
 * ({@link FramingGuard}), so it says what was wrong and nothing else. Immutable and without a stack
 * trace, so the few instances are shared by all connections.
 */
final class MalformedHeadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final MalformedHeadException OBS_FOLD = new MalformedHeadException("obsolete line folding in header block");
    static final MalformedHeadException WHITESPACE_BEFORE_FIELDS =
            new MalformedHeadException("whitespace at the start of the first header line");
    static final MalformedHeadException REQUEST_LINE_SPACING =
            new MalformedHeadException("request line parts not separated by single spaces");
    static final MalformedHeadException INVALID_METHOD = new MalformedHeadException("invalid method in the request line");
    static final MalformedHeadException INVALID_TARGET =
            new MalformedHeadException("invalid character in the request target");
    static final MalformedHeadException MISSING_VERSION =
            new MalformedHeadException("request line without an HTTP version");
    static final MalformedHeadException INVALID_VERSION =
            new MalformedHeadException("HTTP version in the request line not of the form HTTP/x.y");

    private MalformedHeadException(String detail) {
        super(detail, null, false, false);
    }
}
