package dev.outrigger.local.cli;

import static dev.outrigger.local.cli.SfnCli.root;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.local.runtime.EnvFiles;
import dev.outrigger.local.runtime.TemplateLambdaInvoker;
import dev.outrigger.local.template.FunctionDef;
import dev.outrigger.local.template.LocalEndpoints;
import dev.outrigger.local.template.LocalTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code outrigger sfn run|validate|graph} in process, on the repository's own definitions and mock file. */
class SfnCommandTest {
    private static final String DEPLOY = root("statemachines/deploy.asl.json");
    private static final String CUTOVER = root("statemachines/cutover.asl.json");
    private static final String TEMPLATE = root("template.yaml");
    private static final String MOCKS = root("events/statemachines/mocks.json");
    private static final String DEPLOY_INPUT = "@" + root("events/statemachines/deploy-input.json");
    private static final Path SFN = Path.of("src/test/resources/sfn").toAbsolutePath();
    private static final String START_AT = "Defaults";

    @TempDir
    Path tmp;

    private static SfnCli.Result deploy(String testCase, String... extra) {
        String[] base = {"sfn", "run", DEPLOY, "--template", TEMPLATE, "--input", DEPLOY_INPUT, "--mocks", MOCKS,
                "--test-case", testCase};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return SfnCli.run(args);
    }

    @Test
    void run_deployHappyPath_printsOneSucceededObject_exit0() {
        SfnCli.Result r = deploy("HappyPath");

        assertThat(r.exitCode()).as(r.err()).isZero();
        ObjectNode json = r.json();
        assertThat(json.fieldNames()).toIterable().containsExactly("status", "output", "error", "cause");
        assertThat(json.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(json.get("error").isNull()).isTrue();
        assertThat(json.get("cause").isNull()).isTrue();
        assertThat(json.at("/output/migrate/Containers/0/ExitCode").asInt()).isZero();
        assertThat(r.err()).contains("DefinitionSubstitutions of DeployStateMachine");
    }

    @Test
    void run_deployWebNeverStable_printsFailedWithError_exit1() {
        SfnCli.Result r = deploy("WebNeverStable");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        ObjectNode json = r.json();
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("output").isNull()).isTrue();
        assertThat(json.get("error").asText()).isEqualTo("ServiceNotStable");
        assertThat(json.get("cause").asText()).contains("django-web", "not stable");
    }

    @Test
    void run_withHistory_addsTheStateByStatePath() {
        SfnCli.Result r = deploy("HappyPath", "--history");

        ObjectNode json = r.json();
        assertThat(json.get("history").isArray()).isTrue();
        assertThat(json.get("history").get(0).get("state").asText()).isEqualTo(START_AT);
        assertThat(json.get("history").get(json.get("history").size() - 1).get("type").asText()).isEqualTo("Succeed");
    }

    @Test
    void run_sameSeed_isRepeatable() {
        assertThat(deploy("HappyPath", "--history", "--seed", "7").out())
                .isEqualTo(deploy("HappyPath", "--history", "--seed", "7").out());
    }

    @Test
    void run_definitionError_exit2_namesFileAndState_andPrintsNothingOnStdout() throws IOException {
        Path bad = tmp.resolve("bad.asl.json");
        Files.writeString(bad, """
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nope"}}}""");

        SfnCli.Result r = SfnCli.run("sfn", "run", bad.toString(), "--template", TEMPLATE);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(bad.toString(), "\"A\"", "Nope");
    }

    @Test
    void run_placeholderWithoutSubstitution_exit2_namesIt() throws IOException {
        // A copy of deploy.asl.json is no template state machine's DefinitionUri: no substitutions apply.
        Path copy = tmp.resolve("deploy.asl.json");
        Files.copy(Path.of(DEPLOY), copy);

        SfnCli.Result r = SfnCli.run("sfn", "run", copy.toString(), "--template", TEMPLATE, "--input", DEPLOY_INPUT,
                "--mocks", MOCKS, "--test-case", "HappyPath");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(copy.toString(), "${OpsTopicArn}")
                .contains("no state machine in " + TEMPLATE + " has this DefinitionUri");
    }

    @Test
    void run_usageErrors_exit2() {
        assertThat(SfnCli.run("sfn", "run", DEPLOY, "--template", TEMPLATE, "--mocks", MOCKS).exitCode()).isEqualTo(2);
        assertThat(deploy("NoSuchCase").err()).contains("NoSuchCase");
        assertThat(SfnCli.run("sfn", "run", DEPLOY, "--template", TEMPLATE, "--input", "{not json").err())
                .contains("--input", "not valid JSON");
        assertThat(SfnCli.run("sfn", "run", root("statemachines/none.asl.json")).err()).contains("none.asl.json: file not found");
    }

    @Test
    void run_lambdaTasks_runTemplateFunctionsInProcess_withTheirEnvironment_andExceptionClassAsError() throws IOException {
        Path env = tmp.resolve("local.env");
        Files.writeString(env, "FROM_ENV_FILE=yes\n");

        SfnCli.Result r = SfnCli.run("sfn", "run", SFN.resolve("lambdas.asl.json").toString(),
                "--template", SFN.resolve("template.yaml").toString(), "--env-file", env.toString(),
                "--input", "{\"why\":\"testing\"}");

        assertThat(r.exitCode()).as(r.err()).isZero();
        ObjectNode json = r.json();
        assertThat(json.at("/output/echo/got/why").asText()).isEqualTo("testing");
        assertThat(json.at("/output/echo/greeting").asText()).isEqualTo("from-template");
        assertThat(json.at("/output/echo/fromEnvFile").asText()).isEqualTo("yes");
        assertThat(json.at("/output/echo/functionName").asText()).isEqualTo("sfn-test-echo");
        // AWS reports a Java handler's exception by its fully-qualified class name; the Catch matched on it.
        assertThat(json.at("/output/refused/Error").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(json.at("/output/refused/Cause").asText()).isEqualTo("refused: testing");
    }

    @Test
    void templateLambdaInvoker_resolvesNamesArnsAliasesAndVersions() {
        LocalTemplate t = LocalTemplate.load(SFN.resolve("template.yaml"), Map.of(), LocalEndpoints.defaults());
        try (TemplateLambdaInvoker lambdas = new TemplateLambdaInvoker(t, EnvFiles.none(), Map.of(), System.err)) {
            for (String ref : new String[] {"EchoFunction", "sfn-test-echo", "sfn-test-echo:live", "sfn-test-echo:3",
                    "arn:aws:lambda:us-east-1:000000000000:function:sfn-test-echo",
                    "arn:aws:lambda:us-east-1:000000000000:function:sfn-test-echo:live",
                    "arn:aws:lambda:eu-west-1:123456789012:function:sfn-test-echo:7",
                    "123456789012:function:sfn-test-echo"}) {
                assertThat(lambdas.resolve(ref)).as(ref).map(FunctionDef::logicalId).contains("EchoFunction");
            }
            assertThat(lambdas.hasFunction("sfn-test-nope")).isFalse();
        }
    }

    @Test
    void run_lambdaNotInTemplate_failsTheExecution_namingStateAndResource() throws IOException {
        Path def = tmp.resolve("other.asl.json");
        Files.writeString(def, """
                {"StartAt": "Call", "States": {"Call": {"Type": "Task",
                 "Resource": "arn:aws:lambda:us-east-1:000000000000:function:not-ours", "End": true}}}""");

        SfnCli.Result r = SfnCli.run("sfn", "run", def.toString(), "--template", SFN.resolve("template.yaml").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.json().get("error").asText()).isEqualTo("States.Runtime");
        assertThat(r.json().get("cause").asText()).contains("\"Call\"", "not-ours");
    }

    @Test
    void validate_bothMachines_exit0() {
        SfnCli.Result r = SfnCli.run("sfn", "validate", DEPLOY, CUTOVER, "--template", TEMPLATE);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(DEPLOY + ": valid", "DefinitionSubstitutions of DeployStateMachine",
                CUTOVER + ": valid", "DefinitionSubstitutions of CutoverStateMachine");
    }

    @Test
    void validate_invalidField_exit2_namesFileStateAndField() throws IOException {
        Path bad = tmp.resolve("bad.asl.json");
        Files.writeString(bad, """
                {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": "ten", "End": true}}}""");

        SfnCli.Result r = SfnCli.run("sfn", "validate", DEPLOY, bad.toString(), "--template", TEMPLATE);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains(DEPLOY + ": valid");
        assertThat(r.err()).contains(bad.toString(), "\"Wait\"", "Seconds");
    }

    @Test
    void graph_mermaid_drawsEveryState() {
        SfnCli.Result r = SfnCli.run("sfn", "graph", DEPLOY, "--template", TEMPLATE);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("flowchart TD").doesNotContain("class s_");
    }

    @Test
    void graph_withARun_highlightsThePath_andTheFailingState() {
        SfnCli.Result r = SfnCli.run("sfn", "graph", DEPLOY, "--template", TEMPLATE, "--format", "dot",
                "--input", DEPLOY_INPUT, "--mocks", MOCKS, "--test-case", "WebNeverStable");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("digraph").contains("penwidth=3", "fillcolor=\"#d4edda\"", "fillcolor=\"#f8d7da\"");
        assertThat(r.err()).contains("the run ended FAILED with ServiceNotStable");
    }

    @Test
    void graph_historyFrom_matchesTheGraphOfTheSameRun() throws IOException {
        Path out = tmp.resolve("run.json");
        Files.writeString(out, deploy("WebNeverStable", "--history").out());

        SfnCli.Result fromFile = SfnCli.run("sfn", "graph", DEPLOY, "--template", TEMPLATE, "--history-from", out.toString());
        SfnCli.Result ranHere = SfnCli.run("sfn", "graph", DEPLOY, "--template", TEMPLATE,
                "--input", DEPLOY_INPUT, "--mocks", MOCKS, "--test-case", "WebNeverStable");

        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).contains("linkStyle", " failed\n").isEqualTo(ranHere.out());
    }

    @Test
    void graph_historyFromWithoutHistory_exit2() throws IOException {
        Path out = tmp.resolve("run.json");
        Files.writeString(out, deploy("HappyPath").out());

        SfnCli.Result r = SfnCli.run("sfn", "graph", DEPLOY, "--template", TEMPLATE, "--history-from", out.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--history");
    }
}
