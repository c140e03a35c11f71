package dev.pibl.scoring.train;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads a JSON Lines file line by line, gzip-compressed or not. Whether a file is compressed is
 * told by its first two bytes rather than its name, so a rotated {@code features.jsonl.1} that
 * logrotate compressed without renaming still reads. Blocks on file I/O; one thread per call.
 */
final class JsonLines {

    /** What is done with each line. */
    @FunctionalInterface
    interface LineHandler {
        /** Called for every line, blank ones included; {@code number} counts from 1. */
        void line(long number, String text);
    }

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private JsonLines() {
    }

    /**
     * Hands every line of {@code file} to {@code handler}, in order.
     *
     * @throws IOException with a message that starts with the file's name and says what went
     *                     wrong in a few words, as {@code labels.jsonl: cannot read: no such file}
     */
    static void read(Path file, LineHandler handler) throws IOException {
        requireNonNull(file, "file");
        requireNonNull(handler, "handler");
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": cannot read: a directory (expected: a file)");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                BufferedReader reader = new BufferedReader(new InputStreamReader(decompressed(raw), StandardCharsets.UTF_8), 1 << 16)) {
            long number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                handler.line(++number, line);
            }
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + reason(e), e);
        }
    }

    private static InputStream decompressed(InputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2 ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** A short reason; the file-system messages would repeat the path the caller already shows. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        String message = e.getMessage();
        // A gzip file cut short, such as one still being written, ends with this EOFException.
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
