package dev.pibl.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/1.1 keep-alive client on its own loopback address (127.0.0.0/8 is all local on Linux),
 * so a test can play several clients that PIBL tells apart by address. Reconnects when PIBL closed
 * the connection; remembers which backend answered each request (its X-Backend header, or "-"
 * when PIBL answered itself). Used from one thread.
 */
public final class LoopbackClient implements AutoCloseable {

    private final String address;
    private final int port;
    private final String userAgent;
    private final List<String> extraHeaders = new ArrayList<>();
    private final List<String> answeredBy = new ArrayList<>();
    private RawHttp connection;

    /** @param userAgent the User-Agent to send, or null to send none */
    public LoopbackClient(String address, int port, String userAgent) {
        this.address = address;
        this.port = port;
        this.userAgent = userAgent;
    }

    /** Adds a header line ({@code "X-Forwarded-For: 198.51.100.7"}) to every request. */
    public LoopbackClient header(String line) {
        extraHeaders.add(line);
        return this;
    }

    public RawHttp.Response get(String path) throws IOException {
        if (connection == null) {
            connection = new RawHttp(address, port);
        }
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: pibl.test\r\n");
        if (userAgent != null) {
            request.append("User-Agent: ").append(userAgent).append("\r\n");
        }
        for (String line : extraHeaders) {
            request.append(line).append("\r\n");
        }
        connection.send(request.append("\r\n").toString());
        RawHttp.Response response = connection.read();
        String backend = response.header("X-Backend");
        answeredBy.add(backend == null ? "-" : backend);
        if ("close".equalsIgnoreCase(response.header("Connection"))) {
            connection.close();
            connection = null;
        }
        return response;
    }

    /** Which backend answered each request so far, in order ("-" for PIBL's own answers). */
    public List<String> answeredBy() {
        return answeredBy;
    }

    /** The 1-based number of the first request {@code backend} answered, or -1. */
    public int firstAnsweredBy(String backend) {
        int i = answeredBy.indexOf(backend);
        return i < 0 ? -1 : i + 1;
    }

    @Override
    public void close() throws IOException {
        if (connection != null) {
            connection.close();
        }
    }
}
