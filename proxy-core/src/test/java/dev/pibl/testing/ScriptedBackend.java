package dev.pibl.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A backend that answers with exact bytes, for misbehaving-backend tests: for the i-th request
 * head on a connection, {@code answer.apply(i, head)} gives the bytes to write, or null to close
 * the connection without answering. It reads heads only (no bodies). Blocking, a thread per
 * connection, 127.0.0.1 on an ephemeral port.
 */
public final class ScriptedBackend implements AutoCloseable {

    private final ServerSocket server;
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public ScriptedBackend(BiFunction<Integer, String, String> answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread t = new Thread(() -> serve(s, answer), "scripted-backend");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "scripted-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Socket s, BiFunction<Integer, String, String> answer) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int i = 0; ; i++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.add(head);
                String reply = answer.apply(i, head);
                if (reply == null) {
                    return;
                }
                out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        } catch (IOException ignored) {
            // the connection went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            b.write(c);
            int n = b.size();
            if (n >= 4 && b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Request heads received, in order, across connections. */
    public List<String> heads() {
        return heads;
    }

    /** Connections accepted. */
    public int connections() {
        return sockets.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
