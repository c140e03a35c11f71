package dev.pibl.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pibl.testing.RecordingBackend;
import dev.pibl.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bounded fuzzing of the client side: random bytes and mutations of valid requests (bit flips,
 * inserted CR, LF, NUL, space, colon or tab, cut ranges, truncation, repeated header lines), each
 * on a fresh connection, for about three seconds with a fixed seed. PIBL must answer anything it
 * answers with a well-formed status line, never crash or wedge (a valid request gets 200 after
 * every batch), forward only normalised HTTP/1.1 to the backend, and leave no backend connection
 * open mid-request. Leaks fail the test through the leak check.
 */
class FuzzInputTest {

    private static final long SEED = 0x5EEDL;
    private static final Duration BUDGET = Duration.ofSeconds(3);
    private static final int MAX_INPUTS = 3000;
    private static final int BATCH = 96;
    /** How long to wait for the first byte of an answer: incomplete inputs are never answered. */
    private static final int FIRST_BYTE_MILLIS = 120;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 [1-5]\\d\\d [^\r\n]*");
    private static final Pattern REQUEST_LINE = Pattern.compile("[^ ]+ [^ ]+ HTTP/1\\.1");

    private static final List<String> SEEDS = List.of(
            "GET /a?b=c HTTP/1.1\r\nHost: t\r\nAccept: */*\r\nUser-Agent: fuzz\r\n\r\n",
            "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
            "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n",
            "GET /ten HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            "PUT /k HTTP/1.1\r\nHost: t\r\nConnection: close, X-A\r\nX-A: 1\r\nKeep-Alive: 5\r\nContent-Length: 2\r\n\r\nhi",
            "GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /second HTTP/1.1\r\nHost: t\r\n\r\n");
    private static final byte[] INSERTS = {'\r', '\n', 0, ' ', ':', '\t', ',', ';'};

    private static RecordingBackend backend;
    private static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new RecordingBackend();
        proxy = TestProxy.builder().backend("recorder", backend.port(), 1).maxTries(1).maxBody(1 << 16)
                .clientHeaderTimeout(Duration.ofSeconds(2)).clientBodyTimeout(Duration.ofSeconds(1)).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void mutatedAndRandomRequestsNeverBreakPibl() throws Exception {
        Random random = new Random(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        int inputs = 0;
        long deadline = System.nanoTime() + BUDGET.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(48);
        try {
            while (inputs < MAX_INPUTS && System.nanoTime() < deadline) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    batch.add(nextInput(random));
                }
                List<Future<List<String>>> results = new ArrayList<>();
                for (byte[] input : batch) {
                    results.add(pool.submit(() -> send(input)));
                }
                for (Future<List<String>> f : results) {
                    for (String outcome : f.get()) {
                        outcomes.merge(outcome, 1, Integer::sum);
                    }
                }
                inputs += batch.size();
                assertStillServes();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("fuzz: " + inputs + " inputs (seed " + SEED + "), outcomes " + outcomes);
        Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> !backend.openMidRequest());
        for (RecordingBackend.Request r : backend.drain().requests()) {
            assertNormalised(r);
        }
        assertThat(outcomes).containsKey("200").containsKey("400");
    }

    private static void assertStillServes() throws IOException, InterruptedException {
        HttpResponse<String> health = proxy.get("/health");
        assertThat(health.statusCode()).as("a valid request after a batch").isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok");
    }

    /** What PIBL forwards is one HTTP/1.1 request line, fields with names, and at most one framing. */
    private static void assertNormalised(RecordingBackend.Request r) {
        String[] lines = r.head().split("\r\n");
        assertThat(lines[0]).as("request line the backend got").matches(REQUEST_LINE);
        int framings = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            assertThat(colon).as("field line %s", lines[i]).isPositive();
            String name = lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
            assertThat(name).as("hop-by-hop field forwarded").isNotIn("connection", "keep-alive", "te", "upgrade");
            if (name.equals("content-length") || name.equals("transfer-encoding")) {
                framings++;
            }
        }
        assertThat(framings).as("framing fields in %s", lines[0]).isLessThanOrEqualTo(1);
    }

    /**
     * Sends one input on a fresh connection and reads what comes back: the status of each
     * response, or "no answer" when the input was incomplete (PIBL waits for the rest), or
     * "closed" when it closed without answering.
     */
    private static List<String> send(byte[] input) throws IOException {
        try (Socket s = new Socket("127.0.0.1", proxy.port())) {
            s.setSoTimeout(FIRST_BYTE_MILLIS);
            try {
                s.getOutputStream().write(input);
            } catch (SocketException e) {
                // PIBL already gave up on the first bytes; whatever it answered is still readable
            }
            InputStream in = s.getInputStream();
            List<String> statuses = new ArrayList<>();
            while (true) {
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    if (statuses.isEmpty()) {
                        statuses.add("no answer");
                    }
                    return statuses; // idle: kept alive, or waiting for the rest of the input
                } catch (SocketException e) {
                    first = -1;
                }
                if (first == -1) {
                    if (statuses.isEmpty()) {
                        statuses.add("closed");
                    }
                    return statuses;
                }
                s.setSoTimeout(5000); // a response has started: it must finish
                String head = (char) first + readHead(in);
                String statusLine = head.substring(0, Math.max(0, head.indexOf("\r\n")));
                assertThat(statusLine).as("status line for input %s", printable(input)).matches(STATUS_LINE);
                int status = Integer.parseInt(statusLine.substring(9, 12));
                statuses.add(String.valueOf(status));
                if (status >= 200 && status != 204 && status != 304) {
                    in.readNBytes(contentLength(head, input));
                }
                if (status >= 400) {
                    assertThat(readEnd(in)).as("PIBL closes after %d for input %s", status, printable(input)).isTrue();
                    return statuses;
                }
                s.setSoTimeout(FIRST_BYTE_MILLIS); // another response only if the input held another request
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            b.write(c);
            if (b.size() >= 3 && b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
            if (b.size() > 64 * 1024) {
                throw new AssertionError("a response head over 64 KiB");
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String head, byte[] input) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        throw new AssertionError("a response without Content-Length to input " + printable(input) + ":\n" + head);
    }

    private static boolean readEnd(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    // ------------------------------------------------------------------------------------------ inputs

    private static byte[] nextInput(Random random) {
        if (random.nextInt(10) == 0) {
            byte[] noise = new byte[1 + random.nextInt(200)];
            random.nextBytes(noise);
            return noise;
        }
        byte[] b = SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1);
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            b = mutate(b, random);
        }
        return b;
    }

    private static byte[] mutate(byte[] b, Random random) {
        if (b.length == 0) {
            return new byte[] {'\r', '\n'};
        }
        int at = random.nextInt(b.length);
        switch (random.nextInt(7)) {
            case 0 -> {
                byte[] c = b.clone();
                c[at] ^= (byte) (1 << random.nextInt(8));
                return c;
            }
            case 1 -> {
                return insert(b, at, new byte[] {INSERTS[random.nextInt(INSERTS.length)]});
            }
            case 2 -> {
                int end = Math.min(b.length, at + 1 + random.nextInt(8));
                return concat(Arrays.copyOfRange(b, 0, at), Arrays.copyOfRange(b, end, b.length));
            }
            case 3 -> {
                return Arrays.copyOf(b, Math.max(1, at)); // truncated
            }
            case 4 -> {
                byte[] c = b.clone();
                c[at] = (byte) random.nextInt(256);
                return c;
            }
            case 5 -> {
                String text = new String(b, StandardCharsets.ISO_8859_1);
                String[] lines = text.split("\r\n", -1);
                if (lines.length < 3) {
                    return b;
                }
                int line = 1 + random.nextInt(lines.length - 2);
                return insert(b, text.indexOf(lines[line]), (lines[line] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            default -> {
                String[] digits = {"0", "7", "-1", "ffffffff", "99999999999", " ", ",5"};
                return insert(b, at, digits[random.nextInt(digits.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        return concat(concat(Arrays.copyOfRange(b, 0, at), what), Arrays.copyOfRange(b, at, b.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String printable(byte[] input) {
        StringBuilder b = new StringBuilder();
        for (byte x : input) {
            int ch = x & 0xff;
            if (ch >= 0x20 && ch < 0x7f) {
                b.append((char) ch);
            } else {
                b.append(String.format("\\x%02x", ch));
            }
        }
        return b.toString();
    }
}
