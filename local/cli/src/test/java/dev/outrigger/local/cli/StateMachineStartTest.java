package dev.outrigger.local.cli;

import static dev.outrigger.local.cli.SfnCli.root;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.outrigger.asl.HistoryEvent;
import dev.outrigger.local.executions.ExecutionEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code outrigger deploy|cutover start} end to end on the in-JVM engine: the repository's template (its outputs
 * name the machines), statemachines/ and events/statemachines/mocks.json.
 */
class StateMachineStartTest {
    private static final String TEMPLATE = root("template.yaml");
    private static final String MOCKS = root("events/statemachines/mocks.json");
    private static final String DEPLOY_INPUT = "@" + root("events/statemachines/deploy-input.json");
    private static final Path FIXTURES = Path.of("src/test/resources/executions").toAbsolutePath();

    private static SfnCli.Result deploy(String testCase, String... extra) {
        String[] base = {"deploy", "start", "--template", TEMPLATE, "--input", DEPLOY_INPUT, "--mocks", MOCKS,
                "--test-case", testCase};
        return SfnCli.run(Stream.concat(Arrays.stream(base), Arrays.stream(extra)).toArray(String[]::new));
    }

    private static List<String> lines(SfnCli.Result r) {
        return r.out().lines().toList();
    }

    @Test
    void deployStart_happyPath_printsEachStateEnteredAndLeft_thenSucceeded_exit0() {
        SfnCli.Result r = deploy("HappyPath");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(lines(r).getFirst()).startsWith("deploy: here, in the in-JVM engine: ")
                .contains("deploy.asl.json (output DeployStateMachineArn of ", "test case HappyPath");
        assertThat(r.out()).containsSubsequence(
                "[+00:00:00.000] entered Defaults", "left    Defaults after 0.000s",
                "entered RunMigrations", "left    RunMigrations",
                // the first stability poll waits stable_poll_seconds (15) on the virtual clock
                "[+00:00:00.000] entered WaitForWeb", "[+00:00:15.000] left    WaitForWeb after 15.000s",
                "entered UpdateWorkerService", "entered NotifyDeploySucceeded",
                "entered DeploySucceeded", "left    DeploySucceeded");
        // web is stable on its second poll (the mock file), workers on their first: three 15 s waits
        assertThat(lines(r).getLast()).isEqualTo("deploy SUCCEEDED after 45.000s");
    }

    @Test
    void deployStart_failedMigration_printsTheFailingStateErrorAndCause_exit1() {
        SfnCli.Result r = deploy("MigrationsFail");

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).containsSubsequence("entered RunMigrations", "entered MigrationsExitedNonZero",
                "entered NotifyDeployFailed", "entered DeployFailed");
        assertThat(r.out()).doesNotContain("entered UpdateWebService", "left    DeployFailed");
        List<String> lines = lines(r);
        assertThat(lines.subList(lines.size() - 3, lines.size())).containsExactly(
                "deploy FAILED after 0.000s in state DeployFailed",
                "  error: MigrationsFailed",
                "  cause: manage.py migrate exited with code 1 (task arn:aws:ecs:us-east-1:123456789012:task/outrigger-prod/0f9a1c2e)");
    }

    @Test
    void deployStart_machineThatNeverFinishes_stopsAtTimeoutOnTheVirtualClock_printsTheLastState_exit3() {
        SfnCli.Result r = SfnCli.run("deploy", "start", "--template", FIXTURES.resolve("template.yaml").toString(),
                "--mocks", FIXTURES.resolve("mocks.json").toString(), "--test-case", "Forever", "--timeout", "90s");

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(3);
        List<String> lines = lines(r);
        // Waits of 20 s, entered at 0, 20, 40, 60 and 80 s: the last would end at 100 s, past the 90 s watch.
        assertThat(lines.get(lines.size() - 3)).isEqualTo("  [+00:01:20.000] entered WaitAgain");
        assertThat(lines.get(lines.size() - 2))
                .isEqualTo("deploy still RUNNING after --timeout 1m30.000s in state WaitAgain (entered at +00:01:20.000)");
        assertThat(lines.getLast()).isEqualTo("  a run here: the engine's virtual clock stopped at --timeout 90s");
        assertThat(lines).filteredOn(l -> l.endsWith("entered WaitAgain")).hasSize(5);
        assertThat(lines).filteredOn(l -> l.contains("left    WaitAgain after 20.000s")).hasSize(4);
        assertThat(r.out()).doesNotContain("SUCCEEDED", "FAILED");
    }

    @Test
    void deployStart_boundedPollsLongerThanTimeout_stillRunningInTheWait_exit3() {
        // WebNeverStable polls 40 times 15 s apart: a 5 minute watch ends inside the 20th wait.
        SfnCli.Result r = deploy("WebNeverStable", "--timeout", "5m");

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.out()).contains("deploy still RUNNING after --timeout 5m00.000s in state WaitForWeb"
                + " (entered at +00:05:00.000)");
    }

    @Test
    void deployStart_timeoutLongerThanTheMachine_givesItsVerdict() {
        SfnCli.Result r = deploy("WebNeverStable", "--timeout", "1h");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("deploy FAILED after 10m00.000s in state DeployFailed", "  error: ServiceNotStable");
    }

    @Test
    void deployStart_badInputJson_isRefusedBeforeAnythingStarts_exit2() {
        SfnCli.Result r = SfnCli.run("deploy", "start", "--template", TEMPLATE, "--mocks", MOCKS, "--test-case",
                "HappyPath", "--input", "{\"cluster\": ");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("outrigger deploy start: --input: the input is not valid JSON");
    }

    @Test
    void deployStart_badInputJson_isRefusedBeforeAnyAwsCall_exit2() {
        // The endpoint is never called: nothing listens there.
        SfnCli.Result r = SfnCli.run("deploy", "start", "--endpoint-url", "http://127.0.0.1:9", "--stack", "s",
                "--input", "[1, 2");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("--input: the input is not valid JSON");
    }

    @Test
    void cutoverStart_templateWithoutTheOutput_saysWhichOutputsExist_exit2() {
        SfnCli.Result r = SfnCli.run("cutover", "start", "--template", FIXTURES.resolve("template.yaml").toString(),
                "--mocks", FIXTURES.resolve("mocks.json").toString(), "--test-case", "Forever");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("has no output CutoverStateMachineArn (its outputs: DeployStateMachineArn,"
                + " DeployStateMachineName)");
    }

    @Test
    void cutoverStart_happyPath_exit0() {
        SfnCli.Result r = SfnCli.run("cutover", "start", "--template", TEMPLATE, "--mocks", MOCKS, "--test-case",
                "HappyPath", "--input", "@" + root("events/statemachines/cutover-input.json"));

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("cutover.asl.json (output CutoverStateMachineArn of ");
        assertThat(lines(r).getLast()).startsWith("cutover SUCCEEDED after ");
    }

    @Test
    void start_withoutWhere_orWithBoth_isAUsageError() {
        SfnCli.Result neither = SfnCli.run("deploy", "start");
        SfnCli.Result both = SfnCli.run("deploy", "start", "--aws", "--mocks", MOCKS, "--test-case", "HappyPath");
        SfnCli.Result stackHere = deploy("HappyPath", "--stack", "outrigger-dev");

        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("--aws [--region R]", "--mocks F --test-case C");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give one of them");
        assertThat(stackHere.exitCode()).isEqualTo(2);
        assertThat(stackHere.err()).contains("--stack is for AWS");
    }

    @Test
    void start_badTimeout_isAUsageError() {
        SfnCli.Result r = deploy("HappyPath", "--timeout", "soon");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--timeout: 'soon' is not a duration");
    }

    @Test
    void stateEvents_leaveAParallelAfterItsBranches_andNeverLeaveAFailedState() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        var out = JsonNodeFactory.instance.objectNode();
        List<HistoryEvent> history = List.of(
                visit("Fanout", "", t0, t0.plusSeconds(9), out),
                visit("A", "Fanout/Branches[0]", t0, t0.plusSeconds(4), out),
                visit("B", "Fanout/Branches[1]", t0, t0.plusSeconds(9), out),
                visit("Boom", "", t0.plusSeconds(9), t0.plusSeconds(9), null));

        assertThat(StateMachineStart.stateEvents(history)).containsExactly(
                new ExecutionEvent.Entered(1, "Fanout", t0),
                new ExecutionEvent.Entered(2, "A", t0),
                new ExecutionEvent.Exited(3, "A", t0.plusSeconds(4)),
                new ExecutionEvent.Entered(4, "B", t0),
                new ExecutionEvent.Exited(5, "B", t0.plusSeconds(9)),
                new ExecutionEvent.Exited(6, "Fanout", t0.plusSeconds(9)),
                new ExecutionEvent.Entered(7, "Boom", t0.plusSeconds(9)));
    }

    private static HistoryEvent visit(String state, String scope, Instant entered, Instant exited,
                                      com.fasterxml.jackson.databind.JsonNode output) {
        return new HistoryEvent(state, "Pass", scope, entered, exited, JsonNodeFactory.instance.objectNode(), output,
                output == null ? "E" : null, output == null ? "c" : null, null, List.of());
    }
}
