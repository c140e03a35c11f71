package dev.pibl.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Absolute-form request targets ({@code GET http://example.com/x HTTP/1.1}), which clients send
 * to proxies. An origin server expects origin-form, and RFC 9112 §3.2.2 says the target's
 * authority replaces the Host header. Stateless; called on event loops.
 */
public final class AbsoluteForm {

    private AbsoluteForm() {
    }

    /** Where the authority starts if {@code uri} is absolute-form http or https, else -1. */
    static int authorityStart(String uri) {
        if (uri.regionMatches(true, 0, "http://", 0, 7)) {
            return 7;
        }
        if (uri.regionMatches(true, 0, "https://", 0, 8)) {
            return 8;
        }
        return -1;
    }

    /** Where the authority that starts at {@code start} ends: the first '/', '?' or '#', or the end. */
    static int authorityEnd(String uri, int start) {
        for (int i = start; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return i;
            }
        }
        return uri.length();
    }

    /**
     * Rewrites an absolute-form request to origin-form with the target's authority as Host;
     * leaves any other request alone. Returns whether it rewrote.
     */
    public static boolean toOriginForm(HttpRequest request) {
        String uri = request.uri();
        int start = authorityStart(uri);
        if (start < 0) {
            return false;
        }
        int end = authorityEnd(uri, start);
        String rest = uri.substring(end);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash); // a fragment is never sent to a server
        }
        request.headers().set(HttpHeaderNames.HOST, uri.substring(start, end));
        request.setUri(rest.isEmpty() || rest.charAt(0) != '/' ? "/" + rest : rest);
        return true;
    }
}
