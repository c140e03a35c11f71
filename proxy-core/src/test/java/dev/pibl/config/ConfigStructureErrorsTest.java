package dev.pibl.config;

import static dev.pibl.config.Configs.ONE_BACKEND;
import static dev.pibl.config.Configs.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Mistakes in the shape of the file: syntax, keys, types. Each message is asserted exactly. */
class ConfigStructureErrorsTest {

    @Test
    void unknownKeyListsTheKeysItsSectionAccepts() {
        assertThat(problems("server:\n  prot: 8080\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:2: server.prot: unknown key (expected: one of port, bind, io-threads, limits, trusted-proxies, max-connections, overload)");
    }

    @Test
    void unknownTopLevelSection() {
        assertThat(problems(ONE_BACKEND + "metrics:\n  port: 9090\n")).containsExactly(
                "pibl.yaml:3: metrics: unknown key"
                        + " (expected: one of server, backends, balancing, timeouts, upstream, health, cache, logging, admin)");
    }

    @Test
    void duplicateKeyIsAnErrorAndTheFirstValueIsKept() {
        assertThat(problems("server:\n  port: 8080\n  port: 8081\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:3: server.port: duplicate key (expected: each key only once)");
    }

    @Test
    void duplicateSectionIsAnError() {
        assertThat(problems(ONE_BACKEND + "cache:\n  enabled: true\ncache:\n  enabled: false\n")).containsExactly(
                "pibl.yaml:5: cache: duplicate key (expected: each key only once)");
    }

    @Test
    void yamlSyntaxErrorGivesTheLineAndTheParsersReason() {
        assertThat(problems("server:\n  port: 8080\n bind: 0.0.0.0\n")).containsExactly(
                "pibl.yaml:3: invalid YAML: expected <block end>, but found '<block mapping start>'"
                        + " (expected: well-formed YAML)");
    }

    @Test
    void colonInsideAPlainValueIsASyntaxError() {
        assertThat(problems(ONE_BACKEND + "logging:\n  file: logs: access.log\n")).containsExactly(
                "pibl.yaml:4: invalid YAML: mapping values are not allowed here (expected: well-formed YAML)");
    }

    @Test
    void unclosedFlowSequenceIsASyntaxError() {
        assertThat(problems("backends: [\n")).containsExactly(
                "pibl.yaml:2: invalid YAML: expected the node content, but found '<stream end>'"
                        + " (expected: well-formed YAML)");
    }

    @Test
    void wrongTypeShowsTheValueInFlowStyle() {
        assertThat(problems("timeouts:\n  connect: [1, 2]\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:2: timeouts.connect: [1, 2] (expected: a duration such as 250ms, 30s, 5m)");
    }

    @Test
    void quotedNumberIsNotAnInteger() {
        assertThat(problems("server:\n  port: \"8080\"\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:2: server.port: \"8080\" (expected: an integer from 1 to 65535)");
    }

    @Test
    void emptyValueIsNullNotTheDefault() {
        assertThat(problems("server:\n  port:\n" + ONE_BACKEND + "  -\n")).containsExactly(
                "pibl.yaml:2: server.port: null (expected: an integer from 1 to 65535)",
                "pibl.yaml:5: backends[1]: null (expected: a mapping with keys name, url, weight)");
    }

    @Test
    void sectionWithEveryKeyCommentedOutTakesTheDefaults() throws ConfigException {
        assertThat(Configs.parse("server:\n  # port: 9000\n" + ONE_BACKEND).server().port()).isEqualTo(8080);
    }

    @Test
    void sectionThatIsNotAMapping() {
        assertThat(problems("server: 8080\n" + ONE_BACKEND)).containsExactly(
                "pibl.yaml:1: server: 8080 (expected: a mapping with keys port, bind, io-threads, limits, trusted-proxies, max-connections, overload)");
    }

    @Test
    void documentThatIsNotAMapping() {
        assertThat(problems("just some text\n")).containsExactly(
                "pibl.yaml:1: just some text"
                        + " (expected: a mapping with keys server, backends, balancing, timeouts, upstream, health, cache, logging, admin)");
    }

    @Test
    void onlyRealBooleansAreBooleans() {
        assertThat(problems(ONE_BACKEND + "cache:\n  enabled: \"yes please\"\nlogging:\n  stdout: yes\n"
                + "upstream:\n  preserve-host: \"true\"\n")).containsExactly(
                "pibl.yaml:4: cache.enabled: yes please (expected: true or false)",
                "pibl.yaml:6: logging.stdout: yes (expected: true or false)",
                "pibl.yaml:8: upstream.preserve-host: \"true\" (expected: true or false)");
    }

    @Test
    void aliasesAreRejected() {
        assertThat(problems(ONE_BACKEND + "timeouts:\n  idle: &t 30s\n  upstream-idle: *t\n")).containsExactly(
                "pibl.yaml:5: timeouts.upstream-idle: *t (expected: a value written out; YAML aliases are not supported)");
    }

    @Test
    void secondDocumentIsRejected() {
        assertThat(problems(ONE_BACKEND + "---\nserver:\n  port: 1\n")).containsExactly(
                "pibl.yaml:4: a second YAML document (expected: a single document)");
    }

    @Test
    void everyProblemIsReportedInFileOrder() {
        String yaml = "server:\n"
                + "  prot: 8080\n"                              // 2
                + "  port: 70000\n"                             // 3
                + "timeouts:\n"
                + "  connect: 5 s\n"                            // 5
                + "cache:\n"
                + "  memory-size: lots\n"                       // 7
                + "logging:\n"
                + "  format: xml\n";                            // 9

        assertThat(problems(yaml)).containsExactly(
                "pibl.yaml:2: server.prot: unknown key (expected: one of port, bind, io-threads, limits, trusted-proxies, max-connections, overload)",
                "pibl.yaml:3: server.port: 70000 (expected: an integer from 1 to 65535)",
                "pibl.yaml:5: timeouts.connect: 5 s (expected: a duration such as 250ms, 30s, 5m)",
                "pibl.yaml:7: cache.memory-size: lots (expected: a size such as 512KiB, 256MiB, 1GiB)",
                "pibl.yaml:9: logging.format: xml (expected: text or json)",
                "pibl.yaml: backends: missing (expected: at least one backend)");
    }
}
