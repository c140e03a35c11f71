package dev.pibl.app;

import dev.pibl.scoring.Features;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Small feature exports and label files, shaped as PIBL and the simulator write them, for {@code pibl train} tests. */
final class TrainFiles {

    private TrainFiles() {
    }

    /** The labels line of client {@code 127.1.0.<n>}. */
    static String label(int n, String kind, String label) {
        return String.format(Locale.ROOT, "{\"key\":\"127.1.0.%d\",\"ip\":\"127.1.0.%d\",\"kind\":\"%s\",\"label\":\"%s\"}%n",
                n, n, kind, label);
    }

    /** A features line of client {@code 127.1.0.<n>}: browsing slowly when benign, flooding when not. */
    static String vector(int n, boolean abusive, Random random) {
        StringBuilder features = new StringBuilder();
        for (String name : Features.NAMES) {
            double value = switch (name) {
                case "rate_1s", "rate_10s", "rate_60s" -> abusive ? 40 + 20 * random.nextDouble() : 2 * random.nextDouble();
                case "gap_cv" -> abusive ? 0.2 * random.nextDouble() : 0.8 + random.nextDouble();
                case "not_found_ratio" -> 0.1 * random.nextDouble();
                default -> 0;
            };
            features.append(features.length() == 0 ? "" : ",").append('"').append(name).append("\":").append(value);
        }
        return String.format(Locale.ROOT, "{\"time\":\"2026-11-22T19:00:00.123Z\",\"key\":\"127.1.0.%d\",\"ip\":\"127.1.0.%d\","
                + "\"requests\":57,\"features\":{%s},\"score\":null,\"tier\":null}%n", n, n, features);
    }

    /** Labels for {@code benign} clients 1.. and {@code abusive} clients after them. */
    static Path labels(Path dir, int benign, int abusive) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int n = 1; n <= benign + abusive; n++) {
            text.append(n <= benign ? label(n, "browser", "benign") : label(n, "flooder", "abusive"));
        }
        return Files.writeString(dir.resolve("labels.jsonl"), text);
    }

    /** {@code perClient} vectors of each of those clients, interleaved as refreshes are. */
    static String vectors(int benign, int abusive, int perClient, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int round = 0; round < perClient; round++) {
            for (int n = 1; n <= benign + abusive; n++) {
                text.append(vector(n, n > benign, random));
            }
        }
        return text.toString();
    }

    static Path gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}
