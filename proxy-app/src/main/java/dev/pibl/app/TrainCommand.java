package dev.pibl.app;

import dev.pibl.scoring.Features;
import dev.pibl.scoring.LogisticModel;
import dev.pibl.scoring.train.Evaluation;
import dev.pibl.scoring.train.LogisticTrainer;
import dev.pibl.scoring.train.TrainingSet;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pibl train}: fits a behaviour model to PIBL's feature export and the simulator's labels,
 * evaluates it on clients it did not see, and writes it as a model file for
 * {@code balancing.score.model} (or a shadow scorer first). Prints what it read, the weights and
 * the evaluation to stdout, problems to stderr; exits 0, or 1 with one line saying what is wrong.
 *
 * <p>Runs on the main thread and blocks on file I/O; it starts no server.
 */
@Command(name = "train", sortOptions = false,
        description = "Fit a behaviour model (logistic regression) to exported feature vectors and the simulator's"
                + " labels, evaluate it on held-out clients, and write it as a model file.")
final class TrainCommand implements Callable<Integer> {

    private static final String PREFIX = "pibl train: ";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--features", required = true, arity = "1..*", paramLabel = "FILE",
            description = "Feature export (JSON Lines, plain or gzip); several files or --features options for rotated parts.")
    List<Path> featureFiles;

    @Option(names = "--labels", required = true, paramLabel = "FILE",
            description = "The simulator's labels (JSON Lines: key, kind, label benign|abusive).")
    Path labelsFile;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the model file.")
    Path out;

    @Option(names = "--version", paramLabel = "V",
            description = "The model's version, as the access log shows it. Default: trained-<today's date, UTC>.")
    String version;

    @Option(names = "--holdout", paramLabel = "SHARE", defaultValue = "0.25",
            description = "Share of each label's clients held out for the evaluation, 0 (none) to below 1 (default: ${DEFAULT-VALUE}).")
    double holdout;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the held-out split; the same seed and data give the same split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--lambda", paramLabel = "L", defaultValue = "1e-3",
            description = "L2 penalty on the weights, 0 or more (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5",
            description = "Score from which a client counts as flagged in the evaluation, besides 0.5 (default: ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--until-request", paramLabel = "N",
            description = "Of abusive clients, use only the vectors taken from their 2nd to their N-th request: the"
                    + " early behaviour that decides how soon one is caught (a first request looks the same for"
                    + " everyone). Benign clients' vectors are all used (default: all).")
    Long untilRequest;

    @Option(names = "--weighting", paramLabel = "client|vector", defaultValue = "client",
            description = "How a class's weight is shared: client (each client the same, however many vectors it"
                    + " sent) or vector (each vector the same) (default: ${DEFAULT-VALUE}).")
    String weighting;

    @Option(names = "--features-used", split = ",", paramLabel = "NAME",
            description = "The features the model uses, comma-separated. Default: all 17.")
    List<String> featuresUsed;

    /** Gives today's date (UTC) for the default version and the description. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return train(out);
        } catch (Failure e) {
            out.flush();
            err.println(PREFIX + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int train(PrintWriter out) throws Failure {
        String date = LocalDate.now(clock).toString();
        String modelVersion = version == null ? "trained-" + date : version;
        LogisticTrainer trainer = checkOptions(modelVersion);
        TrainingSet all;
        try {
            all = TrainingSet.load(featureFiles, labelsFile);
        } catch (IOException e) {
            throw new Failure(e.getMessage());
        }
        if (untilRequest != null && untilRequest < 1) {
            throw new Failure("--until-request: " + untilRequest + " (expected: 1 or more)");
        }
        if (untilRequest != null) {
            out.printf(Locale.ROOT, "training on abusive clients' vectors from their request 2 to %d, and all benign ones%n",
                    untilRequest);
        }
        printData(out, all);
        checkData(all);

        TrainingSet.Split split = all.split(holdout, seed);
        printSplit(out, split);
        if (holdout > 0) {
            for (boolean abusive : new boolean[] {false, true}) {
                if (split.heldOut().clients(abusive) == 0) {
                    throw new Failure("the held-out part has no " + label(abusive) + " clients (" + all.clients(abusive)
                            + " in all, and a label keeps its only client for training): label more clients,"
                            + " or train on everything with --holdout 0 (then there is no evaluation)");
                }
            }
        }

        // Only the training part is cut: the held-out clients are graded on all their vectors.
        TrainingSet training = untilRequest == null ? split.training() : split.training().upToRequest(untilRequest);
        String description = String.format(Locale.ROOT,
                "trained by pibl train on %s from %s and %s: %d vectors of %d benign and %d abusive clients; "
                        + "%d clients held out (holdout %s, seed %d); lambda %s, weighted by %s",
                date, labelsFile.getFileName(), count(featureFiles.size(), "features file"),
                training.samples().size(), training.clients(false), training.clients(true),
                split.heldOut().clients(false) + split.heldOut().clients(true), holdout, seed, lambda, weighting);
        LogisticTrainer.Fit fit = trainer.fit(training, modelVersion, description);
        out.println();
        out.print(fit.toText());
        if (!fit.converged()) {
            spec.commandLine().getErr().println(PREFIX + "warning: the fit did not converge in " + fit.iterations()
                    + " iterations (gradient norm " + fit.gradientNorm() + "); with --lambda 0 the classes may be"
                    + " perfectly separable: try a small --lambda such as 1e-3");
        }

        out.println();
        if (holdout == 0) {
            out.println("held-out evaluation: none (--holdout 0)");
        } else {
            TrainingSet heldOut = split.heldOut();
            out.printf(Locale.ROOT, "held-out evaluation: %,d vectors of %,d clients%n", heldOut.samples().size(),
                    heldOut.clients(false) + heldOut.clients(true));
            out.print(Evaluation.of(fit.model(), heldOut, 0.5, threshold).toText());
        }

        write(fit.model());
        out.println();
        out.println(PREFIX + "wrote model " + modelVersion + " to " + this.out.toAbsolutePath()
                + "; use it as balancing.score.model, or first as balancing.score.shadow.model");
        return 0;
    }

    /** Every option checked before the (possibly long) read, so a typo fails at once. */
    private LogisticTrainer checkOptions(String modelVersion) throws Failure {
        if (!(holdout >= 0 && holdout < 1)) {
            throw new Failure("--holdout: " + holdout + " (expected: from 0 to below 1)");
        }
        if (!(lambda >= 0 && Double.isFinite(lambda))) {
            throw new Failure("--lambda: " + lambda + " (expected: a finite number, 0 or more)");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new Failure("--threshold: " + threshold + " (expected: from 0 to 1)");
        }
        try {
            // The model's own rules for a version, on a throwaway model, rather than a copy of them here.
            LogisticModel.of(modelVersion, null, List.of(Features.NAMES.get(0)), null,
                    new double[] {0}, new double[] {1}, new double[] {0}, 0);
        } catch (IllegalArgumentException e) {
            throw new Failure("--" + e.getMessage());
        }
        Path directory = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory)) {
            throw new Failure("--out: " + out + ": the directory " + directory + " does not exist");
        }
        List<String> names = featuresUsed == null ? Features.NAMES : featuresUsed.stream().map(String::trim).toList();
        LogisticTrainer.Weighting share = switch (weighting) {
            case "client" -> LogisticTrainer.Weighting.CLIENT;
            case "vector" -> LogisticTrainer.Weighting.VECTOR;
            default -> throw new Failure("--weighting: " + weighting + " (expected: client or vector)");
        };
        try {
            return new LogisticTrainer(names, lambda).weighting(share);
        } catch (IllegalArgumentException e) {
            throw new Failure("--features-used: " + e.getMessage().substring("features: ".length()));
        }
    }

    private void checkData(TrainingSet all) throws Failure {
        if (all.samples().isEmpty()) {
            TrainingSet.LoadReport report = all.report();
            throw new Failure("no labelled vectors: " + count(report.featureLines(), "line") + " read, "
                    + count(report.unlabelledVectors(), "vector") + " of clients without a label, "
                    + count(report.labelledClients(), "client") + " labelled"
                    + (report.unlabelledVectors() > 0 && report.labelledClients() > 0
                            ? " (do the labels' keys match the features' keys?)" : ""));
        }
        for (boolean abusive : new boolean[] {false, true}) {
            if (all.clients(abusive) == 0) {
                throw new Failure("only " + label(!abusive) + " clients have vectors (" + all.clients(!abusive)
                        + "): training needs " + label(abusive) + " ones too");
            }
        }
    }

    private void write(LogisticModel model) throws Failure {
        try {
            model.write(out);
        } catch (IOException e) {
            throw new Failure("--out: " + out + ": cannot write: " + e.getMessage());
        }
    }

    private void printData(PrintWriter out, TrainingSet all) {
        TrainingSet.LoadReport report = all.report();
        out.println("data");
        out.printf(Locale.ROOT, "  features:   %s in %s, %,d skipped%n", count(report.featureLines(), "line"),
                count(featureFiles.size(), "file"), report.skippedLines());
        out.printf(Locale.ROOT, "  labels:     %s labelled, %s skipped, %s without vectors%n",
                count(report.labelledClients(), "client"), count(report.skippedLabelLines(), "line"),
                count(report.clientsWithoutVectors(), "client"));
        out.printf(Locale.ROOT, "  unlabelled: %s of %s, dropped%n", count(report.unlabelledVectors(), "vector"),
                count(report.unlabelledClients(), "client"));
        for (String problem : report.problems()) {
            out.println("    skipped " + problem);
        }
        out.printf(Locale.ROOT, "  %-10s %10s %10s%n", "", "vectors", "clients");
        for (boolean abusive : new boolean[] {false, true}) {
            out.printf(Locale.ROOT, "  %-10s %,10d %,10d%n", label(abusive), all.vectors(abusive), all.clients(abusive));
        }
    }

    private void printSplit(PrintWriter out, TrainingSet.Split split) {
        out.println();
        out.printf(Locale.ROOT, "split: %s%% of each label's clients held out (seed %d)%n",
                BigDecimal.valueOf(100 * holdout).stripTrailingZeros().toPlainString(), seed);
        out.printf(Locale.ROOT, "  %-10s %10s %21s%n", "", "training", "held out");
        out.printf(Locale.ROOT, "  %-10s %10s %10s %10s %10s%n", "", "vectors", "clients", "vectors", "clients");
        for (boolean abusive : new boolean[] {false, true}) {
            out.printf(Locale.ROOT, "  %-10s %,10d %,10d %,10d %,10d%n", label(abusive),
                    split.training().vectors(abusive), split.training().clients(abusive),
                    split.heldOut().vectors(abusive), split.heldOut().clients(abusive));
        }
    }

    private static String count(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    private static String label(boolean abusive) {
        return abusive ? TrainingSet.ABUSIVE : TrainingSet.BENIGN;
    }

    /** Ends the command with exit code 1 and this message. */
    private static final class Failure extends Exception {

        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
