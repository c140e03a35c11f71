package dev.pibl.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A backend that keeps the exact bytes it receives, for tests that assert what a proxy let through
 * byte for byte. Blocking, a thread per connection, 127.0.0.1 on an ephemeral port. It parses just
 * enough HTTP/1.1 to answer: a head up to CRLF CRLF, then a body framed by a final
 * {@code chunked} Transfer-Encoding or by Content-Length, and answers every complete request
 * {@code 200} with the body {@code ok} (no body to HEAD). Anything it cannot frame makes it close
 * the connection.
 *
 * <p>Tests read what arrived with {@link #drain()}: the complete requests and every raw byte
 * received since the previous drain, so one instance serves a whole table of cases. The public
 * methods are safe to call from any thread while the connection threads record.
 */
public final class RecordingBackend implements AutoCloseable {

    /** The answer to every complete request. */
    public static final String ANSWER = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    /** One complete request: its head (with the final CRLF CRLF), its raw body bytes and the decoded body. */
    public record Request(String head, String rawBody, String body) {
        /** The whole request as it came off the wire. */
        public String raw() {
            return head + rawBody;
        }

        public String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    /**
     * What arrived since the previous {@link #drain()}: the complete requests in the order they
     * completed, and the raw bytes of each connection that received any (a request cut short shows
     * up in {@code raw} but not in {@code requests}).
     */
    public record Received(List<Request> requests, List<String> raw) {
    }

    private final ServerSocket server;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Request> requests = new ArrayList<>();
    private int drainedRequests;

    public RecordingBackend() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "recording-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Connection c = new Connection(s);
                synchronized (this) {
                    connections.add(c);
                }
                Thread t = new Thread(c::serve, "recording-backend");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Everything received since the previous call; see {@link Received}. */
    public synchronized Received drain() {
        List<Request> fresh = List.copyOf(requests.subList(drainedRequests, requests.size()));
        drainedRequests = requests.size();
        List<String> raw = new ArrayList<>();
        for (Connection c : connections) {
            String bytes = c.takeNew();
            if (!bytes.isEmpty()) {
                raw.add(bytes);
            }
        }
        return new Received(fresh, raw);
    }

    /** Connections accepted so far. */
    public synchronized int connections() {
        return connections.size();
    }

    private synchronized void completed(Request r) {
        requests.add(r);
    }

    /**
     * True while some connection that is still open has received part of a request but not all of
     * it: a proxy that gave up on a request must close the connection it had started it on.
     */
    public synchronized boolean openMidRequest() {
        for (Connection c : connections) {
            if (!c.closed && c.midRequest) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        List<Connection> all;
        synchronized (this) {
            all = List.copyOf(connections);
        }
        for (Connection c : all) {
            c.socket.close();
        }
    }

    private final class Connection {
        private final Socket socket;
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private int taken;
        private InputStream in;
        private volatile boolean closed;
        /** Bytes of a request arrived and its end has not yet. */
        private volatile boolean midRequest;

        Connection(Socket socket) {
            this.socket = socket;
        }

        synchronized String takeNew() {
            byte[] bytes = all.toByteArray();
            String s = new String(bytes, taken, bytes.length - taken, StandardCharsets.ISO_8859_1);
            taken = bytes.length;
            return s;
        }

        private int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                midRequest = true;
                synchronized (this) {
                    all.write(b);
                }
            }
            return b;
        }

        void serve() {
            try (socket) {
                in = new java.io.BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                while (true) {
                    Request r = readRequest();
                    if (r == null) {
                        return;
                    }
                    midRequest = false;
                    completed(r);
                    boolean head = r.requestLine().startsWith("HEAD ");
                    String answer = head ? ANSWER.substring(0, ANSWER.length() - 2) : ANSWER;
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException | RuntimeException ignored) {
                // the connection went away, or sent a size that is no number: close it
            } finally {
                closed = true;
            }
        }

        /** One request, or null at end of stream or when it cannot be framed (then the connection closes). */
        private Request readRequest() throws IOException {
            String head = readHead();
            if (head == null) {
                return null;
            }
            String transferEncoding = null;
            String contentLength = null;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("transfer-encoding")) {
                    transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
                } else if (name.equals("content-length")) {
                    if (contentLength != null && !contentLength.equals(value)) {
                        return null;
                    }
                    contentLength = value;
                }
            }
            if (transferEncoding != null) {
                String[] codings = transferEncoding.split(",");
                if (!codings[codings.length - 1].trim().equalsIgnoreCase("chunked")) {
                    return null;
                }
                return readChunked(head);
            }
            long length = contentLength == null ? 0 : Long.parseLong(contentLength);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (long i = 0; i < length; i++) {
                int b = read();
                if (b < 0) {
                    return null;
                }
                body.write(b);
            }
            String text = body.toString(StandardCharsets.ISO_8859_1);
            return new Request(head, text, text);
        }

        private Request readChunked(String head) throws IOException {
            StringBuilder raw = new StringBuilder();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine();
                if (sizeLine == null) {
                    return null;
                }
                raw.append(sizeLine).append("\r\n");
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    break;
                }
                for (int i = 0; i < size; i++) {
                    int b = read();
                    if (b < 0) {
                        return null;
                    }
                    body.write(b);
                    raw.append((char) b);
                }
                String end = readLine();
                if (end == null || !end.isEmpty()) {
                    return null;
                }
                raw.append("\r\n");
            }
            String trailer;
            while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                raw.append(trailer).append("\r\n");
            }
            if (trailer == null) {
                return null;
            }
            raw.append("\r\n");
            return new Request(head, raw.toString(), body.toString(StandardCharsets.ISO_8859_1));
        }

        private String readHead() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = read()) != -1) {
                b.append((char) c);
                int n = b.length();
                if (n >= 4 && b.charAt(n - 4) == '\r' && b.charAt(n - 3) == '\n' && b.charAt(n - 2) == '\r'
                        && b.charAt(n - 1) == '\n') {
                    return b.toString();
                }
            }
            return null;
        }

        /** A line without its CRLF; null at end of stream or on a bare LF. */
        private String readLine() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = read()) != -1) {
                if (c == '\n') {
                    int n = b.length();
                    if (n == 0 || b.charAt(n - 1) != '\r') {
                        return null;
                    }
                    return b.substring(0, n - 1);
                }
                b.append((char) c);
            }
            return null;
        }
    }
}
