package dev.pibl.app.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The labels file: JSON Lines, one simulated client per line, saying what each client key really
 * was. {@code pibl simulate --labels} writes it before any traffic, and {@code --evaluate} and
 * training read it to join the access log to the truth. Stateless; called from the command's thread.
 */
public final class Labels {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * One client.
     *
     * @param key   what PIBL tracks it by, as the access log's {@code key=} (or client) field shows it
     * @param ip    the address it used: its source, or its X-Forwarded-For address
     * @param kind  {@code browser}, {@code flooder}...
     * @param label {@code benign} or {@code abusive}
     */
    public record Label(String key, String ip, String kind, String label) {

        public Label {
            requireNonNull(key, "key");
            requireNonNull(ip, "ip");
            requireNonNull(kind, "kind");
            requireNonNull(label, "label");
            if (!label.equals("benign") && !label.equals("abusive")) {
                throw new IllegalArgumentException("label: \"" + label + "\" (expected: benign or abusive)");
            }
        }

        public boolean abusive() {
            return label.equals("abusive");
        }
    }

    private Labels() {
    }

    /** Writes {@code labels} to {@code file}, replacing it. */
    public static void write(Path file, List<Label> labels) throws IOException {
        requireNonNull(file, "file");
        requireNonNull(labels, "labels");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Label label : labels) {
                out.write(JSON.writeValueAsString(label));
                out.write('\n');
            }
        }
    }

    /**
     * Reads a labels file; blank lines are skipped, unknown fields ignored.
     *
     * @throws IOException when it cannot be read or a line is not a label; the message names the line
     */
    public static List<Label> read(Path file) throws IOException {
        requireNonNull(file, "file");
        List<Label> labels = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Label label = JSON.readValue(line, Label.class);
                    if (label == null) {
                        throw new IOException(file + ":" + number + ": not a label: " + line);
                    }
                    labels.add(label);
                } catch (JsonProcessingException e) {
                    Throwable cause = e.getCause() instanceof IllegalArgumentException || e.getCause() instanceof NullPointerException
                            ? e.getCause() : e;
                    throw new IOException(file + ":" + number + ": " + firstLine(cause.getMessage()), e);
                }
            }
        }
        return labels;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "not a label";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
