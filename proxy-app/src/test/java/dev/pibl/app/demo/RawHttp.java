package dev.pibl.app.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client over one socket, for what java.net.http hides: pipelining, connection
 * reuse and closing, framing, interim responses, malformed requests.
 */
final class RawHttp implements Closeable {

    /** One parsed response; header names lower-cased. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RawHttp send(String request) {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the next response; {@code head} says it answers a HEAD, so it has no body whatever it declares. */
    Response read(boolean head) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Response response = read(head, body);
        return new Response(response.status(), response.headers(), body.toByteArray());
    }

    Response read() {
        return read(false);
    }

    /** Reads the next response, passing the body to {@code sink} as it arrives instead of keeping it. */
    Response read(boolean head, OutputStream sink) {
        try {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, List<String>> headers = headers();
            String length = first(headers, "content-length");
            if (head || status / 100 == 1 || status == 204 || status == 304) {
                return new Response(status, headers, new byte[0]);
            }
            if ("chunked".equalsIgnoreCase(first(headers, "transfer-encoding"))) {
                chunked(sink);
            } else if (length != null) {
                copy(Long.parseLong(length), sink);
            } else {
                in.transferTo(sink);
            }
            return new Response(status, headers, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the server closes the connection (EOF or reset) within a few seconds. */
    boolean closedByServer() {
        return closedWithin(3_000);
    }

    /** True when the connection is still open after a short wait; only meaningful with nothing unread. */
    boolean stillOpen() {
        return !closedWithin(300);
    }

    private boolean closedWithin(int millis) {
        try {
            socket.setSoTimeout(millis);
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a test socket cannot fail in a way that matters.
        }
    }

    private void chunked(OutputStream sink) throws IOException {
        while (true) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                headers(); // trailers
                return;
            }
            copy(size, sink);
            line();
        }
    }

    private void copy(long length, OutputStream sink) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException(left + " body bytes missing");
            }
            sink.write(buffer, 0, n);
            left -= n;
        }
    }

    private Map<String, List<String>> headers() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
