package dev.pibl.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The {@code pibl} command run in-process, its standard output and error kept for assertions. */
public final class Cli {

    /** What the runs printed to standard output, all runs together. */
    public final StringWriter out = new StringWriter();
    /** What the runs printed to standard error, all runs together. */
    public final StringWriter err = new StringWriter();

    /** Runs {@code pibl args...} and returns its exit code. */
    public int run(String... args) {
        return new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }
}
