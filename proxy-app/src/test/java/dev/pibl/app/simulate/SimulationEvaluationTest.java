package dev.pibl.app.simulate;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The access-log evaluation on a hand-made log whose every number is known. */
class SimulationEvaluationTest {

    private static final List<Labels.Label> LABELS = List.of(
            new Labels.Label("127.1.0.1", "127.1.0.1", "browser", "benign"),
            new Labels.Label("127.1.0.2", "127.1.0.2", "browser", "benign"),
            new Labels.Label("127.1.0.3", "127.1.0.3", "api", "benign"),        // sends nothing
            new Labels.Label("127.1.0.4", "127.1.0.4", "flooder", "abusive"),
            new Labels.Label("127.1.0.5", "127.1.0.5", "flooder", "abusive"),
            new Labels.Label("10.1.0.9", "10.1.0.9", "scanner", "abusive"));   // behind a trusted proxy

    /**
     * Browser .1 stays trusted (one fallback); browser .2 is suspicious on its 3rd request. Flooder
     * .4 is denied from its 11th, flooder .5 moves only on its 56th. The scanner starts suspicious
     * and is denied on its 3rd. Around them: an unlabelled client, a line with no tier, and fields
     * inside quotes that must not be read as the line's own.
     */
    private static String log() {
        List<String> lines = new ArrayList<>();
        lines.add(line("127.0.0.1", null, "GET /", "trusted"));
        lines.add(line("127.1.0.1", null, "GET /x\\\" tier=abusive key=127.1.0.5", "trusted"));
        lines.add(line("127.1.0.2", null, "GET /page/1", "trusted"));
        lines.add(line("127.1.0.1", null, "GET /page/2", "trusted"));
        lines.add(line("127.1.0.2", null, "GET /page/3", "trusted"));
        lines.add(line("127.1.0.1", null, "GET /page/4", "trusted(fallback)"));
        lines.add(line("127.1.0.2", null, "GET /page/5", "suspicious"));
        lines.add(line("127.1.0.1", null, "GET /page/6", "trusted"));
        lines.add(line("127.1.0.2", null, "GET /page/7", "trusted"));
        lines.add("2026-11-22T17:03:12.201Z 9f3c0002 127.1.0.1 \"GET /slow HTTP/1.1\" 499 0 0 3.000ms backend=- upstream=-"
                + " aborted=client");
        for (int i = 1; i <= 60; i++) {
            String tier = i <= 10 ? "trusted" : "abusive";
            String line = line("127.1.0.4", null, "GET /", tier);
            lines.add(i == 5 ? line + " req_headers=\"User-Agent: x tier=abusive key=127.1.0.1\"" : line);
        }
        for (int i = 1; i <= 60; i++) {
            lines.add(line("127.1.0.5", null, "GET /", i <= 55 ? "trusted" : "suspicious"));
        }
        lines.add(line("127.0.0.1", "10.1.0.9", "GET /.env", "suspicious"));
        lines.add(line("127.0.0.1", "10.1.0.9", "GET /wp-login.php", "suspicious"));
        lines.add("{\"time\":\"2026-11-22T17:03:12.201Z\",\"request_id\":\"9f3c0003\",\"client\":\"127.0.0.1\","
                + "\"method\":\"GET\",\"uri\":\"/.git/config\",\"protocol\":\"HTTP/1.1\",\"status\":429,\"bytes_in\":0,"
                + "\"bytes_out\":20,\"duration_ms\":0.1,\"backend\":null,\"upstream_ms\":null,\"client_key\":\"10.1.0.9\","
                + "\"score\":0.998,\"tier\":\"abusive\",\"tier_fallback\":false,\"model\":\"m1\"}");
        return String.join("\n", lines) + "\n";
    }

    private static String line(String ip, String key, String request, String tier) {
        return "2026-11-22T17:03:12.201Z 9f3c0001 " + ip + " \"" + request + " HTTP/1.1\" 200 0 6 0.412ms backend=node-1"
                + " upstream=0.301ms cache=MISS" + (key == null ? "" : " key=" + key) + " score=0.412 tier=" + tier
                + " model=behaviour-handset-1";
    }

    @Test
    void sharesChangesDetectionAndFalsePositivesPerKind() throws Exception {
        Evaluation e = evaluate(null);

        assertThat(e.mainTier()).isEqualTo("trusted");
        assertThat(e.linesRead()).isEqualTo(133);
        assertThat(e.linesScored()).isEqualTo(131);
        assertThat(e.linesUnscored()).isEqualTo(1);

        Evaluation.KindEvaluation browser = e.kind("browser");
        assertThat(browser.clients()).isEqualTo(2);
        assertThat(browser.requests()).isEqualTo(8);
        assertThat(browser.tiers()).extracting(Evaluation.TierShare::name)
                .containsExactly("trusted", "trusted(fallback)", "suspicious");
        assertThat(browser.share("trusted", false)).isEqualTo(0.75);
        assertThat(browser.share("trusted", true)).isEqualTo(0.125);
        assertThat(browser.share("suspicious", false)).isEqualTo(0.125);
        assertThat(browser.changed()).isEqualTo(1);
        assertThat(browser.medianChangeAt()).isEqualTo(OptionalLong.of(3));
        assertThat(browser.maxChangeAt()).isEqualTo(OptionalLong.of(3));
        assertThat(browser.leftMain()).isEqualTo(1);

        Evaluation.KindEvaluation api = e.kind("api");
        assertThat(api.clients()).isZero();
        assertThat(api.unseen()).isEqualTo(1);
        assertThat(api.medianChangeAt()).isEmpty();

        Evaluation.KindEvaluation flooder = e.kind("flooder");
        assertThat(flooder.requests()).isEqualTo(120);
        assertThat(flooder.tiers()).extracting(Evaluation.TierShare::name).containsExactly("trusted", "abusive", "suspicious");
        assertThat(flooder.share("trusted", false)).isCloseTo(65 / 120.0, within(1e-12));
        assertThat(flooder.share("abusive", false)).isCloseTo(50 / 120.0, within(1e-12));
        assertThat(flooder.changed()).isEqualTo(2);
        assertThat(flooder.medianChangeAt()).isEqualTo(OptionalLong.of(11));
        assertThat(flooder.maxChangeAt()).isEqualTo(OptionalLong.of(56));
        assertThat(flooder.leftMain()).isEqualTo(2);
        assertThat(flooder.detected()).isEqualTo(1);

        Evaluation.KindEvaluation scanner = e.kind("scanner");
        assertThat(scanner.requests()).isEqualTo(3);
        assertThat(scanner.share("suspicious", false)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(scanner.medianChangeAt()).isEqualTo(OptionalLong.of(3));
        assertThat(scanner.detected()).isEqualTo(1);

        assertThat(e.abusiveClients()).isEqualTo(3);
        assertThat(e.abusiveDetected()).isEqualTo(2);
        assertThat(e.detection()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(e.benignClients()).isEqualTo(2);
        assertThat(e.falsePositives()).isEqualTo(0.5);
    }

    @Test
    void mainTierCanBeNamed() throws Exception {
        Evaluation e = evaluate("suspicious");

        assertThat(e.mainTier()).isEqualTo("suspicious");
        assertThat(e.falsePositives()).isEqualTo(1.0);
        assertThat(e.detection()).isEqualTo(1.0);
        // Changes are counted from each client's own first tier, whatever the main one.
        assertThat(e.kind("flooder").medianChangeAt()).isEqualTo(OptionalLong.of(11));
    }

    @Test
    void reportEndsWithTheSummaryLine() throws Exception {
        String report = evaluate(null).format("access.log");

        assertThat(report).startsWith("evaluation of access.log: 133 lines, 131 scored requests from labelled clients"
                + " (1 more without a tier); main tier: trusted\n");
        assertThat(report).contains("browser (benign): 2 clients, 8 requests\n"
                + "  tiers: trusted=0.750 trusted(fallback)=0.125 suspicious=0.125\n"
                + "  first tier change: 1 of 2 clients, at request median 3, max 3\n"
                + "  false positives: 1 of 2 ever left trusted (0.500)\n");
        assertThat(report).contains("api (benign): 0 clients, 0 requests (1 labelled clients not in the log)\n"
                + "  tiers: -\n  first tier change: never\n");
        assertThat(report).contains("  detected: 1 of 2 left trusted within 50 requests (0.500)\n");
        assertThat(report).endsWith("detection=0.667 false_positives=0.500\n");
    }

    @Test
    void aRoundRobinLogSaysSoAndHasNoRatios() throws Exception {
        String log = "2026-11-22T17:03:12.201Z 9f3c0001 127.1.0.1 \"GET / HTTP/1.1\" 200 0 6 0.4ms backend=node-1 upstream=0.3ms\n";

        Evaluation e = AccessLogEvaluator.evaluate(new BufferedReader(new StringReader(log)), LABELS, null);

        assertThat(e.mainTier()).isNull();
        assertThat(e.detection()).isNaN();
        assertThat(e.format("a.log")).contains("no line names a tier: is balancing.policy score?")
                .endsWith("detection=n/a false_positives=n/a\n");
    }

    private static Evaluation evaluate(String mainTier) throws Exception {
        return AccessLogEvaluator.evaluate(new BufferedReader(new StringReader(log())), LABELS, mainTier);
    }
}
