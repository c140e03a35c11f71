package dev.pibl.systemtests;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a {@link SystemTest} when no Docker engine answers, as Testcontainers'
 * {@code @Testcontainers(disabledWithoutDocker = true)} does, but with the engine's error as the
 * reason, and never where the run says the tests are required: there a missing engine fails
 * them, so a CI whose engine did not start cannot pass by skipping everything. Called by JUnit on
 * its own thread before each test class.
 */
final class DockerAvailable implements ExecutionCondition {

    /** Environment variable that turns "no engine" from a skip into a failure. */
    static final String REQUIRED = "PIBL_SYSTEM_TESTS";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String whyNot = engineProblem();
        if (whyNot == null) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        if ("required".equals(System.getenv(REQUIRED))) {
            // Enabled, so the test runs and fails on the same error rather than passing as skipped.
            return ConditionEvaluationResult.enabled(REQUIRED + "=required but no Docker engine at " + where() + ": "
                    + whyNot);
        }
        return ConditionEvaluationResult.disabled("no Docker engine at " + where() + " (" + whyNot
                + "); docs/testing.md says how to run the system tests");
    }

    private static String where() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? "unix:///var/run/docker.sock (DOCKER_HOST is not set)" : host;
    }

    /** Null when an engine answers, else what went wrong. */
    private static String engineProblem() {
        try {
            DockerClientFactory.instance().client();
            return null;
        } catch (RuntimeException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }
}
