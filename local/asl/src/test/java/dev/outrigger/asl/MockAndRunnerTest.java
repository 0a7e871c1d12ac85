package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.outrigger.asl.Asl.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MockAndRunnerTest {
    private static final Path DIR = Path.of("src/test/resources/mocks");
    private static final Path MOCKS = DIR.resolve("deploy-mocks.json");
    private static final Map<String, String> SUBS = Map.of("ClusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/app",
            "OpsTopicArn", "arn:aws:sns:us-east-1:123456789012:ops");
    private static final JsonNode INPUT = json("{\"taskDefinition\":\"web:42\"}");

    /** The project's functions, in process: roll-service echoes the function name and payload. */
    private static final class FakeLambdas implements LambdaInvoker {
        final List<String> called = new ArrayList<>();

        @Override
        public boolean hasFunction(String functionName) {
            return functionName.equals("roll-service");
        }

        @Override
        public JsonNode invoke(String functionName, JsonNode payload) throws TaskFailure {
            called.add(functionName);
            if (payload.has("explode")) {
                throw new TaskFailure("java.lang.IllegalStateException", "exploded");
            }
            return json("{\"rolled\":\"" + functionName + "\"}");
        }
    }

    private static String definition() throws IOException {
        return Files.readString(DIR.resolve("deploy.asl.json"));
    }

    private static SfnRunner.Run run(FakeLambdas lambdas, String testCase) throws IOException {
        return new SfnRunner(Optional.of(lambdas), null).run(definition(), "statemachines/deploy.asl.json", INPUT, SUBS,
                Optional.of(MOCKS), Optional.of(testCase));
    }

    @Test
    void happyPath_mocksEcsAndSns_runsTheLambdaInProcess_andAppliesSubstitutions() throws IOException {
        FakeLambdas lambdas = new FakeLambdas();
        SfnRunner.Run r = run(lambdas, "HappyPath");
        assertThat(r.exitCode()).isEqualTo(SfnRunner.EXIT_SUCCEEDED);
        assertThat(r.json(false)).isEqualTo(json("""
                {"status":"SUCCEEDED","output":{"taskDefinition":"web:42","migrate":{"exitCode":0},"roll":{"rolled":"roll-service"}},
                 "error":null,"cause":null}"""));
        assertThat(lambdas.called).containsExactly("roll-service");
        assertThat(r.result().history()).extracting(HistoryEvent::stateName)
                .containsExactly("Migrate", "CheckExit", "Roll", "Notify");
        assertThat(r.result().history().getFirst().input()).isEqualTo(INPUT);
    }

    @Test
    void mockRanges_countInvocationsAcrossRetries_andAMockedLambdaStateIsNotCalled() throws IOException {
        FakeLambdas lambdas = new FakeLambdas();
        SfnRunner.Run r = run(lambdas, "MigrateFlaky");
        assertThat(r.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.result().output().get("roll")).isEqualTo(json("{\"rolled\":\"mock\"}"));
        assertThat(lambdas.called).isEmpty();
        HistoryEvent migrate = r.result().history().getFirst();
        assertThat(migrate.retries()).extracting(HistoryEvent.Retry::delay)
                .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    @Test
    void retriesExhausted_areCaughtAndRouted() throws IOException {
        SfnRunner.Run r = run(new FakeLambdas(), "MigrateExhausted");
        assertThat(r.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.result().output().get("error")).isEqualTo(json("{\"Error\":\"ECS.AmazonECSException\",\"Cause\":\"capacity\"}"));
        assertThat(r.json(true).get("history")).hasSize(2);
    }

    @Test
    void unmockedNonLambdaTask_failsNamingStateAndResource() throws IOException {
        SfnRunner.Run r = run(new FakeLambdas(), "NotifyMissing");
        assertThat(r.exitCode()).isEqualTo(SfnRunner.EXIT_FAILED);
        assertThat(r.result().error()).isEqualTo(Errors.RUNTIME);
        assertThat(r.result().cause()).contains("state \"Notify\"").contains("arn:aws:states:::sns:publish")
                .contains("NotifyMissing");
    }

    @Test
    void withoutMocks_nonLambdaTaskFailsClearly() throws IOException {
        SfnRunner.Run r = new SfnRunner().run(definition(), "deploy.asl.json", INPUT, SUBS, Optional.empty(), Optional.empty());
        assertThat(r.result().cause()).contains("state \"Migrate\"").contains("no mock file was given");
    }

    @Test
    void missingSubstitution_isADefinitionErrorNamingThePlaceholder() {
        assertThatThrownBy(() -> new SfnRunner().run(definition(), "deploy.asl.json", INPUT, Map.of("ClusterArn", "c"),
                Optional.empty(), Optional.empty()))
                .isInstanceOf(AslDefinitionException.class)
                .hasMessage("deploy.asl.json: DefinitionSubstitutions has no key for ${OpsTopicArn}");
        assertThat(SfnRunner.exitCode(new AslDefinitionException("x"))).isEqualTo(SfnRunner.EXIT_USAGE);
        assertThat(SfnRunner.exitCode(new IllegalArgumentException("x"))).isEqualTo(SfnRunner.EXIT_USAGE);
        assertThat(SfnRunner.exitCode(new IllegalStateException("bug"))).isEqualTo(SfnRunner.EXIT_FAILED);
    }

    @Test
    void substitution_valuesAreJsonEscaped() {
        assertThat(SfnRunner.substitute("{\"a\":\"${K}\"}", Map.of("K", "say \"hi\""), "x")).isEqualTo("{\"a\":\"say \\\"hi\\\"\"}");
    }

    @Test
    void unknownTestCase_isAUsageError() {
        assertThatThrownBy(() -> run(new FakeLambdas(), "Nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no state machine has a test case \"Nope\"");
    }

    @Test
    void mockFile_validation_namesTheEntry() {
        assertThatThrownBy(() -> MockConfigTaskInvoker.of(json("""
                {"StateMachines":{"m":{"TestCases":{"t":{"A":"Gone"}}}},"MockedResponses":{}}"""), "m.json", "m", "t"))
                .hasMessageContaining("m.json: TestCases.t.A names MockedResponses \"Gone\", which does not exist");
        assertThatThrownBy(() -> MockConfigTaskInvoker.of(json("""
                {"StateMachines":{"m":{"TestCases":{"t":{"A":"R"}}}},"MockedResponses":{"R":{"0-x":{"Return":1}}}}"""), "m.json", "m", "t"))
                .hasMessageContaining("MockedResponses.R.0-x");
        assertThatThrownBy(() -> MockConfigTaskInvoker.of(json("""
                {"StateMachines":{"m":{"TestCases":{"t":{"A":"R"}}}},"MockedResponses":{"R":{"0":{"Return":1,"Throw":{"Error":"E"}}}}}"""),
                "m.json", "m", "t")).hasMessageContaining("needs exactly one of Return and Throw");
        assertThatThrownBy(() -> MockConfigTaskInvoker.of(json("""
                {"StateMachines":{"m":{"TestCases":{"t":{"A":"R"}}}},"MockedResponses":{"R":{"0-2":{"Return":1},"2":{"Return":2}}}}"""),
                "m.json", "m", "t")).hasMessageContaining("overlaps");
    }

    @Test
    void mockResponse_beyondTheLastRange_failsTheExecution() throws Exception {
        MockConfigTaskInvoker mocks = MockConfigTaskInvoker.of(json("""
                {"StateMachines":{"m":{"TestCases":{"t":{"T":"R"}}}},"MockedResponses":{"R":{"0":{"Return":{"n":1}}}}}"""),
                "m.json", "m", "t");
        ExecutionResult r = Asl.run("""
                {"StartAt":"M","States":{"M":{"Type":"Map","Iterator":{"StartAt":"T","States":{
                  "T":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:getItem","End":true}}},"End":true}}}""", "[1,2]", mocks);
        assertThat(r.error()).isEqualTo(Errors.RUNTIME);
        assertThat(r.cause()).contains("no response for invocation 1");
    }

    @Test
    void lambdaInvokeIntegration_wrapsThePayload_andLambdaErrorsUseTheirErrorType() throws Exception {
        FakeLambdas lambdas = new FakeLambdas();
        CompositeTaskInvoker inv = new CompositeTaskInvoker(Optional.of(lambdas), Optional.empty());
        JsonNode out = inv.invoke(new TaskRequest("arn:aws:states:::lambda:invoke", "S",
                json("{\"FunctionName\":\"arn:aws:lambda:us-east-1:123456789012:function:roll-service:live\",\"Payload\":{}}"),
                0, 0, "m", "e", Optional.empty()));
        assertThat(out.get("Payload")).isEqualTo(json("{\"rolled\":\"roll-service\"}"));
        assertThat(out.get("StatusCode").intValue()).isEqualTo(200);
        assertThatThrownBy(() -> inv.invoke(new TaskRequest("arn:aws:lambda:us-east-1:1:function:roll-service", "S",
                json("{\"explode\":true}"), 0, 0, "m", "e", Optional.empty())))
                .isInstanceOf(TaskFailure.class)
                .satisfies(e -> assertThat(((TaskFailure) e).error()).isEqualTo("java.lang.IllegalStateException"));
    }

    @Test
    void functionName_isExtractedFromEveryReferenceForm() {
        assertThat(CompositeTaskInvoker.functionName("f")).isEqualTo("f");
        assertThat(CompositeTaskInvoker.functionName("f:live")).isEqualTo("f");
        assertThat(CompositeTaskInvoker.functionName("123456789012:function:f")).isEqualTo("f");
        assertThat(CompositeTaskInvoker.functionName("arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST")).isEqualTo("f");
    }

    @Test
    void graph_highlightsThePathTaken() throws IOException {
        SfnRunner.Run r = run(new FakeLambdas(), "MigrateExhausted");
        String mermaid = AslGraph.mermaid(r.definition(), Optional.of(r.result()));
        assertThat(mermaid).startsWith("flowchart TD")
                .contains("s_Migrate -- \"catch States.ALL\" --> s_Notify")
                .contains("class s_Migrate failed").contains("class s_Notify visited")
                .doesNotContain("class s_Roll ");
        String dot = AslGraph.dot(r.definition(), Optional.of(r.result()));
        assertThat(dot).startsWith("digraph").contains("\"Migrate\" -> \"Notify\" [label=\"catch States.ALL\", color=\"#28a745\", penwidth=3]")
                .contains("\"CheckExit\" -> \"Roll\" [label=\"rule 0\"];");
        assertThat(AslGraph.mermaid(r.definition(), Optional.empty())).doesNotContain("class s_");
    }

    @Test
    void graph_rendersNestedBranchesAsSubgraphs() {
        AslDefinition d = Asl.def("""
                {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
                  {"StartAt":"B 1","States":{"B 1":{"Type":"Pass","End":true}}}]}}}""");
        assertThat(AslGraph.mermaid(d, Optional.empty())).contains("subgraph s_P_sub").contains("s_B_32_1[");
        assertThat(AslGraph.dot(d, Optional.empty())).contains("subgraph \"cluster_P\"");
    }

    @Test
    void stateMachineName_comesFromTheFileName() {
        assertThat(SfnRunner.stateMachineName("statemachines/cutover.asl.json")).isEqualTo("cutover");
        assertThat(SfnRunner.parseInput("{\"a\":1}")).isEqualTo(json("{\"a\":1}"));
        assertThatThrownBy(() -> SfnRunner.parseInput("{nope")).hasMessageContaining("--input: the input is not valid JSON");
    }
}
