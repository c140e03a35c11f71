package dev.pibl.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client over a plain socket, for tests that must control the exact bytes:
 * pipelining, 100-continue, HTTP/1.0, slow clients, half-sent requests. Reads responses framed by
 * Content-Length, chunked encoding or connection close.
 */
public final class RawHttp implements AutoCloseable {

    /** One response as read off the wire; {@code headers} in wire order. */
    public record Response(String protocol, int status, List<Map.Entry<String, String>> headers, byte[] body,
            List<Map.Entry<String, String>> trailers) {
        public String header(String name) {
            return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        this(null, port);
    }

    /**
     * Connects to 127.0.0.1:{@code port} from {@code localAddress} (any address of 127.0.0.0/8 on
     * Linux), so one test can play several clients; null for the default.
     */
    public RawHttp(String localAddress, int port) throws IOException {
        this.socket = new Socket();
        if (localAddress != null) {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
        this.socket.setSoTimeout(15_000);
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public Socket socket() {
        return socket;
    }

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /**
     * Sends {@code head} and then {@code bodySize} zero bytes from another thread, for tests where
     * PIBL answers (and closes) while the upload is still going; write errors end the upload.
     */
    public java.util.concurrent.CompletableFuture<Void> uploadInBackground(String head, long bodySize) {
        return java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                byte[] block = new byte[64 * 1024];
                for (long sent = 0; sent < bodySize; sent += block.length) {
                    out.write(block, 0, (int) Math.min(block.length, bodySize - sent));
                }
                out.flush();
            } catch (IOException stopped) {
                // PIBL answered and closed while the upload was still going
            }
        });
    }

    /** Reads one response to a request that was not HEAD. */
    public Response read() throws IOException {
        return read(false);
    }

    /** Reads one response; {@code head} says the request was HEAD, so no body follows. */
    public Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        List<Map.Entry<String, String>> headers = fields();
        Response headOnly = new Response(parts[0], status, headers, new byte[0], List.of());
        if (head || status < 200 || status == 204 || status == 304) {
            return headOnly;
        }
        String length = headOnly.header("Content-Length");
        String te = headOnly.header("Transfer-Encoding");
        if (te != null && te.equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                body.write(in.readNBytes(size));
                line();
            }
            List<Map.Entry<String, String>> trailers = fields();
            return new Response(parts[0], status, headers, body.toByteArray(), trailers);
        }
        if (length != null) {
            return new Response(parts[0], status, headers, in.readNBytes(Integer.parseInt(length)), List.of());
        }
        return new Response(parts[0], status, headers, in.readAllBytes(), List.of());
    }

    /** Reads just the status line of the next response (its body may never complete). */
    public int readHeadOnlyStatus() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        return Integer.parseInt(statusLine.split(" ", 3)[1]);
    }

    /** True when the server closed the connection (a read returns end of stream). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private List<Map.Entry<String, String>> fields() throws IOException {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        String l;
        while ((l = line()) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            fields.add(Map.entry(l.substring(0, colon), l.substring(colon + 1).trim()));
        }
        return fields;
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
