package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.outrigger.asl.Asl.json;
import static dev.outrigger.asl.Asl.run;
import static org.assertj.core.api.Assertions.assertThat;

class AslEngineTest {
    private static final Instant T0 = ExecutionOptions.DEFAULT_START;

    /** An invoker that records requests and answers from a script: a JSON result, or "!Error:Cause" to fail. */
    private static final class Scripted implements TaskInvoker {
        final List<TaskRequest> calls = new ArrayList<>();
        final List<String> answers;

        Scripted(String... answers) {
            this.answers = List.of(answers);
        }

        @Override
        public JsonNode invoke(TaskRequest request) throws TaskFailure {
            calls.add(request);
            String a = answers.get(Math.min(calls.size() - 1, answers.size() - 1));
            if (a.startsWith("!")) {
                String[] parts = a.substring(1).split(":", 2);
                throw new TaskFailure(parts[0], parts[1]);
            }
            return json(a);
        }
    }

    private static HistoryEvent event(ExecutionResult r, String state) {
        return r.history().stream().filter(e -> e.stateName().equals(state)).findFirst().orElseThrow();
    }

    // ---- Pass and the path fields ----

    @Test
    void pass_appliesInputPathParametersResultPathOutputPathInOrder() {
        ExecutionResult r = run("""
                {"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.in","Parameters":{"v.$":"$.x","lit":1},
                 "ResultPath":"$.in.res","OutputPath":"$.in","End":true}}}""", "{\"in\":{\"x\":7},\"other\":true}");
        assertThat(r.output()).isEqualTo(json("{\"x\":7,\"res\":{\"v\":7,\"lit\":1}}"));
    }

    @Test
    void pass_resultPathNull_keepsInput_andInputPathNull_givesEmptyObject() {
        assertThat(run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":1,\"ResultPath\":null,\"End\":true}}}",
                "{\"k\":1}").output()).isEqualTo(json("{\"k\":1}"));
        assertThat(run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"InputPath\":null,\"End\":true}}}",
                "{\"k\":1}").output()).isEqualTo(json("{}"));
        assertThat(run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"OutputPath\":null,\"End\":true}}}",
                "{\"k\":1}").output()).isEqualTo(json("{}"));
    }

    @Test
    void parameters_missingPath_failsWithParameterPathFailureNamingField() {
        ExecutionResult r = run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"$.nope\"},\"End\":true}}}", "{}");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo(Errors.PARAMETER_PATH_FAILURE);
        assertThat(r.cause()).contains("$.nope").contains("x.$");
    }

    @Test
    void inputPathAndOutputPath_missing_failWithRuntime() {
        assertThat(run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"InputPath\":\"$.nope\",\"End\":true}}}", "{}")
                .error()).isEqualTo(Errors.RUNTIME);
        assertThat(run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"OutputPath\":\"$.nope\",\"End\":true}}}", "{}")
                .error()).isEqualTo(Errors.RUNTIME);
    }

    @Test
    void resultPath_throughAScalar_failsWithResultPathMatchFailure() {
        ExecutionResult r = run("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Result\":1,\"ResultPath\":\"$.s.x\",\"End\":true}}}",
                "{\"s\":\"text\"}");
        assertThat(r.error()).isEqualTo(Errors.RESULT_PATH_MATCH_FAILURE);
    }

    @Test
    void contextObject_exposesExecutionStateAndStateMachine() {
        ExecutionResult r = run("""
                {"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id","name.$":"$$.Execution.Name",
                 "start.$":"$$.Execution.StartTime","role.$":"$$.Execution.RoleArn","in.$":"$$.Execution.Input",
                 "state.$":"$$.State.Name","entered.$":"$$.State.EnteredTime","retries.$":"$$.State.RetryCount",
                 "sm.$":"$$.StateMachine.Id","smName.$":"$$.StateMachine.Name"},"End":true}}}""", "{\"a\":1}");
        assertThat(r.output()).isEqualTo(json("""
                {"id":"arn:aws:states:us-east-1:123456789012:execution:test:local-execution","name":"local-execution",
                 "start":"2026-01-01T00:00:00.000Z","role":"arn:aws:iam::123456789012:role/test-role","in":{"a":1},
                 "state":"A","entered":"2026-01-01T00:00:00.000Z","retries":0,
                 "sm":"arn:aws:states:us-east-1:123456789012:stateMachine:test","smName":"test"}"""));
    }

    // ---- Task ----

    @Test
    void task_getsEffectiveParameters_andResultSelectorAndResultPathShapeOutput() {
        Scripted inv = new Scripted("{\"Payload\":{\"ok\":true},\"StatusCode\":200}");
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                 "Parameters":{"FunctionName":"f","Payload.$":"$.body"},"ResultSelector":{"ok.$":"$.Payload.ok"},
                 "ResultPath":"$.result","End":true}}}""", "{\"body\":{\"n\":1}}", inv);
        assertThat(inv.calls).hasSize(1);
        TaskRequest req = inv.calls.getFirst();
        assertThat(req.resource()).isEqualTo("arn:aws:states:::lambda:invoke");
        assertThat(req.stateName()).isEqualTo("T");
        assertThat(req.input()).isEqualTo(json("{\"FunctionName\":\"f\",\"Payload\":{\"n\":1}}"));
        assertThat(r.output()).isEqualTo(json("{\"body\":{\"n\":1},\"result\":{\"ok\":true}}"));
    }

    @Test
    void retry_exhausted_recordsBackoffTimesAndFailsWithTheError() {
        Scripted inv = new Scripted("!Db.Locked:still locked");
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync",
                 "Retry":[{"ErrorEquals":["Db.Locked"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3,"MaxDelaySeconds":10}],
                 "End":true}}}""", "{}", inv);
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("Db.Locked");
        assertThat(r.cause()).isEqualTo("still locked");
        assertThat(inv.calls).extracting(TaskRequest::attempt).containsExactly(0, 1, 2, 3);
        assertThat(inv.calls).extracting(TaskRequest::invocationIndex).containsExactly(0, 1, 2, 3);
        HistoryEvent t = event(r, "T");
        assertThat(t.retries()).extracting(HistoryEvent.Retry::delay)
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(10));
        assertThat(t.retries()).extracting(HistoryEvent.Retry::retriedAt)
                .containsExactly(T0.plusSeconds(2), T0.plusSeconds(8), T0.plusSeconds(18));
        assertThat(t.exited()).isEqualTo(T0.plusSeconds(18));
        assertThat(t.error()).isEqualTo("Db.Locked");
    }

    @Test
    void retry_defaults_areOneSecondTimesTwoThreeAttempts_andContextCountsRetries() {
        Scripted inv = new Scripted("!E:x", "!E:x", "{\"done\":1}");
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "Parameters":{"retry.$":"$$.State.RetryCount"},"Retry":[{"ErrorEquals":["E"]}],"End":true}}}""", "{}", inv);
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(inv.calls).extracting(c -> c.input().get("retry").intValue()).containsExactly(0, 1, 2);
        assertThat(event(r, "T").retries()).extracting(HistoryEvent.Retry::delay)
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void retry_fullJitter_staysUnderTheBackoffAndRepeatsForTheSameSeed() {
        String def = """
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"MaxAttempts":4,"JitterStrategy":"FULL"}],"End":true}}}""";
        ExecutionResult a = run(def, "{}", new Scripted("!E:x"));
        ExecutionResult b = run(def, "{}", new Scripted("!E:x"));
        List<Duration> delays = event(a, "T").retries().stream().map(HistoryEvent.Retry::delay).toList();
        assertThat(delays).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(delays.get(i)).isLessThanOrEqualTo(Duration.ofSeconds((long) (10 * Math.pow(2, i))));
        }
        assertThat(delays).isNotEqualTo(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                Duration.ofSeconds(80)));
        assertThat(event(b, "T").retries()).extracting(HistoryEvent.Retry::delay).isEqualTo(delays);
    }

    @Test
    void retry_maxAttemptsZero_neverRetries_andOnlyTheFirstMatchingRetrierApplies() {
        Scripted inv = new Scripted("!E:x");
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "Retry":[{"ErrorEquals":["E"],"MaxAttempts":0},{"ErrorEquals":["States.ALL"],"MaxAttempts":5}],"End":true}}}""",
                "{}", inv);
        assertThat(inv.calls).hasSize(1);
        assertThat(r.error()).isEqualTo("E");
    }

    @Test
    void catch_routesByErrorName_andPlacesErrorOutputAtResultPath() {
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync",
                 "Catch":[{"ErrorEquals":["Other"],"Next":"Wrong"},
                          {"ErrorEquals":["Migrate.Failed"],"ResultPath":"$.error","Next":"Rollback"}],"Next":"Wrong"},
                 "Wrong":{"Type":"Fail","Error":"Wrong"},
                 "Rollback":{"Type":"Pass","End":true}}}""", "{\"tag\":\"v2\"}", new Scripted("!Migrate.Failed:exit 1"));
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.output()).isEqualTo(json("{\"tag\":\"v2\",\"error\":{\"Error\":\"Migrate.Failed\",\"Cause\":\"exit 1\"}}"));
        assertThat(r.history()).extracting(HistoryEvent::stateName).containsExactly("T", "Rollback");
        assertThat(event(r, "T").error()).isEqualTo("Migrate.Failed");
        assertThat(event(r, "T").next()).isEqualTo("Rollback");
    }

    @Test
    void catch_taskFailedMatchesEverythingButTimeout() {
        String def = """
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Caught"}],"End":true},
                 "Caught":{"Type":"Succeed"}}}""";
        assertThat(run(def, "{}", new Scripted("!Custom.Error:x")).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        ExecutionResult timeout = run(def, "{}", new Scripted("!States.Timeout:too slow"));
        assertThat(timeout.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(timeout.error()).isEqualTo(Errors.TIMEOUT);
    }

    @Test
    void catch_timeoutByName_andStatesAllCatchesTimeout() {
        String def = """
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::ecs:runTask.sync","TimeoutSeconds":60,
                 "Catch":[{"ErrorEquals":["States.Timeout"],"Next":"TimedOut"},{"ErrorEquals":["States.ALL"],"Next":"Other"}],"End":true},
                 "TimedOut":{"Type":"Pass","Result":"timeout","End":true},"Other":{"Type":"Pass","Result":"other","End":true}}}""";
        assertThat(run(def, "{}", new Scripted("!States.Timeout:x")).output().asText()).isEqualTo("timeout");
        assertThat(run(def, "{}", new Scripted("!Boom:x")).output().asText()).isEqualTo("other");
    }

    @Test
    void statesAll_doesNotCatchRuntimeErrors() {
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","InputPath":"$.missing",
                 "Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},
                 "C":{"Type":"Succeed"}}}""", "{}", new Scripted("{}"));
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo(Errors.RUNTIME);
        assertThat(event(r, "T").retries()).isEmpty();
    }

    @Test
    void catch_parameterPathFailureInTask_isCatchable() {
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"m.$":"$.gone"},
                 "Catch":[{"ErrorEquals":["States.ParameterPathFailure"],"Next":"C"}],"End":true},"C":{"Type":"Succeed"}}}""",
                "{}", new Scripted("{}"));
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.output().get("Error").asText()).isEqualTo(Errors.PARAMETER_PATH_FAILURE);
    }

    @Test
    void timeoutSecondsPath_mustSelectAPositiveInteger() {
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "TimeoutSecondsPath":"$.t","End":true}}}""", "{\"t\":\"soon\"}", new Scripted("{}"));
        assertThat(r.error()).isEqualTo(Errors.RUNTIME);
        assertThat(r.cause()).contains("TimeoutSecondsPath");
    }

    @Test
    void waitForTaskToken_exposesTheTokenToParameters() {
        Scripted inv = new Scripted("{\"approved\":true}");
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                 "Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}},"HeartbeatSeconds":60,"End":true}}}""", "{}", inv);
        String token = inv.calls.getFirst().input().at("/MessageBody/token").asText();
        assertThat(token).isNotBlank().isEqualTo(inv.calls.getFirst().taskToken().orElseThrow());
        assertThat(r.output()).isEqualTo(json("{\"approved\":true}"));
    }

    @Test
    void taskInvokerRuntimeException_becomesTaskFailed() {
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}}""",
                "{}", req -> {
                    throw new IllegalStateException("bug");
                });
        assertThat(r.error()).isEqualTo(Errors.TASK_FAILED);
        assertThat(r.cause()).contains("bug");
    }

    // ---- Wait, timeouts, virtual clock ----

    @Test
    void wait_allForms_advanceTheVirtualClockOnly() {
        // A real sleep on an interrupted thread throws at once, and the engine turns that into States.Runtime: the
        // execution succeeding with the flag set proves no Wait slept, without timing anything.
        Thread.currentThread().interrupt();
        ExecutionResult r;
        try {
            r = run("""
                {"StartAt":"S","States":{
                 "S":{"Type":"Wait","Seconds":3600,"Next":"SP"},
                 "SP":{"Type":"Wait","SecondsPath":"$.secs","Next":"TS"},
                 "TS":{"Type":"Wait","Timestamp":"2026-01-02T00:00:00Z","Next":"TP"},
                 "TP":{"Type":"Wait","TimestampPath":"$.until","Next":"Done"},
                 "Done":{"Type":"Pass","Parameters":{"at.$":"$$.State.EnteredTime"},"End":true}}}""",
                "{\"secs\":60,\"until\":\"2026-01-03T00:00:00Z\"}");
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt flag, untouched by the run").isTrue();
        }
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(event(r, "S").exited()).isEqualTo(T0.plusSeconds(3600));
        assertThat(event(r, "SP").exited()).isEqualTo(T0.plusSeconds(3660));
        assertThat(event(r, "TS").exited()).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
        assertThat(r.output()).isEqualTo(json("{\"at\":\"2026-01-03T00:00:00.000Z\"}"));
    }

    @Test
    void wait_secondsPathNegative_failsWithRuntime() {
        ExecutionResult r = run("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"End\":true}}}",
                "{\"s\":-1}");
        assertThat(r.error()).isEqualTo(Errors.RUNTIME);
    }

    @Test
    void executionTimeoutSeconds_passed_endsTimedOut() {
        ExecutionResult r = run("""
                {"StartAt":"W","TimeoutSeconds":10,"States":{"W":{"Type":"Wait","Seconds":60,"Next":"After"},
                 "After":{"Type":"Succeed"}}}""", "{}");
        assertThat(r.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(r.error()).isEqualTo(Errors.TIMEOUT);
        assertThat(r.history()).extracting(HistoryEvent::stateName).containsExactly("W");
        assertThat(event(r, "W").exited()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void executionTimeout_cannotBeCaught_evenDuringRetryBackoff() {
        ExecutionResult r = run("""
                {"StartAt":"T","TimeoutSeconds":5,"States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":10}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},
                 "C":{"Type":"Succeed"}}}""", "{}", new Scripted("!E:x"));
        assertThat(r.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    }

    // ---- the caller's horizon (ExecutionOptions.horizon) ----

    private static final String POLL_FOREVER = """
            {"StartAt":"Check","States":{"Check":{"Type":"Pass","Next":"Wait"},
             "Wait":{"Type":"Wait","Seconds":30,"Next":"Check"}}}""";

    private static ExecutionResult watched(String definition, Duration horizon, TaskInvoker invoker) {
        return new AslEngine(invoker, ExecutionOptions.defaults("test").withHorizon(horizon))
                .execute(Asl.def(definition), json("{}"));
    }

    @Test
    void horizon_machineThatNeverEnds_stopsRunningInTheStateItIsIn() {
        ExecutionResult r = watched(POLL_FOREVER, Duration.ofSeconds(100), Asl.NO_TASKS);

        assertThat(r.status()).isEqualTo(ExecutionStatus.RUNNING);
        assertThat(r.error()).isNull();
        assertThat(r.output()).isNull();
        // Waits end at 30, 60, 90; the fourth would end at 120, past the horizon: the run stops inside it.
        assertThat(r.history()).extracting(HistoryEvent::stateName)
                .containsExactly("Check", "Wait", "Check", "Wait", "Check", "Wait", "Check", "Wait");
        HistoryEvent last = r.history().getLast();
        assertThat(last.entered()).isEqualTo(T0.plusSeconds(90));
        assertThat(last.exited()).isNull();
        assertThat(last.output()).isNull();
        assertThat(r.history().get(r.history().size() - 2).exited()).isEqualTo(T0.plusSeconds(90));
    }

    @Test
    void horizon_executionEndingBeforeIt_endsAsUsual() {
        ExecutionResult r = watched("""
                {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}""", Duration.ofSeconds(61), Asl.NO_TASKS);

        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    @Test
    void horizon_duringRetryBackoff_stopsInTheRetriedState() {
        ExecutionResult r = watched("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":10,"MaxAttempts":5}],"End":true}}}""",
                Duration.ofSeconds(25), new Scripted("!E:x", "!E:x", "!E:x"));

        assertThat(r.status()).isEqualTo(ExecutionStatus.RUNNING);
        // Backoff 10 s, then 20 s: the second one crosses 25 s.
        assertThat(event(r, "T").retries()).hasSize(1);
        assertThat(event(r, "T").exited()).isNull();
    }

    @Test
    void horizon_afterTheExecutionTimeout_theTimeoutDecides() {
        ExecutionResult r = watched("""
                {"StartAt":"W","TimeoutSeconds":10,"States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}""",
                Duration.ofSeconds(30), Asl.NO_TASKS);

        assertThat(r.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
    }

    // ---- Succeed, Fail ----

    @Test
    void fail_withErrorPathAndCausePath_usesTheSelectedStrings() {
        ExecutionResult r = run("""
                {"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('code {}', $.code)"}}}""",
                "{\"e\":\"Deploy.Failed\",\"code\":3}");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo("Deploy.Failed");
        assertThat(r.cause()).isEqualTo("code 3");
        assertThat(r.output()).isNull();
    }

    @Test
    void fail_errorPathNotAString_failsWithRuntime() {
        assertThat(run("{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"ErrorPath\":\"$.e\"}}}", "{\"e\":1}").error())
                .isEqualTo(Errors.RUNTIME);
    }

    @Test
    void succeed_appliesInputPathAndOutputPath() {
        assertThat(run("{\"StartAt\":\"S\",\"States\":{\"S\":{\"Type\":\"Succeed\",\"InputPath\":\"$.a\",\"OutputPath\":\"$.b\"}}}",
                "{\"a\":{\"b\":2}}").output()).isEqualTo(json("2"));
    }

    // ---- Parallel and Map ----

    @Test
    void parallel_runsBranchesOnTheSameInput_andTakesTheLongestBranchTime() {
        ExecutionResult r = run("""
                {"StartAt":"P","States":{"P":{"Type":"Parallel","Parameters":{"v.$":"$.v"},"Branches":[
                  {"StartAt":"W1","States":{"W1":{"Type":"Wait","Seconds":30,"End":true}}},
                  {"StartAt":"W2","States":{"W2":{"Type":"Wait","Seconds":90,"End":true}}}],"Next":"After"},
                 "After":{"Type":"Pass","End":true}}}""", "{\"v\":1,\"x\":2}");
        assertThat(r.output()).isEqualTo(json("[{\"v\":1},{\"v\":1}]"));
        assertThat(event(r, "P").exited()).isEqualTo(T0.plusSeconds(90));
        assertThat(event(r, "W2").scope()).isEqualTo("P/Branches[1]");
        assertThat(event(r, "W2").entered()).isEqualTo(T0);
    }

    @Test
    void parallel_branchFailure_failsTheStateWithTheBranchError_andRetriesTheWholeState() {
        ExecutionResult r = run("""
                {"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
                  {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Branch.Err","Cause":"c"}}}],
                  "Retry":[{"ErrorEquals":["Branch.Err"],"MaxAttempts":2}],"End":true}}}""", "{}");
        assertThat(r.error()).isEqualTo("Branch.Err");
        assertThat(r.history().stream().filter(e -> e.stateName().equals("F")).count()).isEqualTo(3);
    }

    @Test
    void map_itemSelectorSeesMapItemContext_andMaxConcurrencyShapesVirtualTime() {
        ExecutionResult r = run("""
                {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
                 "ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","env.$":"$.env"},
                 "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"W","States":{
                   "W":{"Type":"Wait","Seconds":10,"Next":"P"},"P":{"Type":"Pass","End":true}}},
                 "ResultPath":"$.out","End":true}}}""", "{\"items\":[\"a\",\"b\",\"c\"],\"env\":\"prod\"}");
        assertThat(r.output().get("out")).isEqualTo(json("""
                [{"i":0,"v":"a","env":"prod"},{"i":1,"v":"b","env":"prod"},{"i":2,"v":"c","env":"prod"}]"""));
        assertThat(event(r, "M").exited()).isEqualTo(T0.plusSeconds(20));
    }

    @Test
    void map_maxConcurrencyPath_andUnlimited() {
        String def = """
                {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.mc","ItemsPath":"$.items",
                 "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}},"End":true}}}""";
        assertThat(event(run(def, "{\"mc\":1,\"items\":[1,2,3]}"), "M").exited()).isEqualTo(T0.plusSeconds(30));
        assertThat(event(run(def, "{\"mc\":0,\"items\":[1,2,3]}"), "M").exited()).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void map_maxConcurrencyPathNotANonNegativeInteger_failsWithRuntimeNamingThePath() {
        ExecutionResult r = run("""
                {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.mc","ItemsPath":"$.items",
                 "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}""",
                "{\"mc\":-1,\"items\":[1]}");
        assertThat(r.error()).isEqualTo(Errors.RUNTIME);
        assertThat(r.cause()).isEqualTo("state \"M\": MaxConcurrencyPath $.mc must select a non-negative integer, got -1");
    }

    @Test
    void map_itemsNotAnArray_failsWithRuntime_andACaughtItemFailureRoutesTheMap() {
        assertThat(run("""
                {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
                 "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}""",
                "{\"items\":{\"a\":1}}").error()).isEqualTo(Errors.RUNTIME);
        ExecutionResult r = run("""
                {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","Iterator":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Item.Bad"}}},
                 "Catch":[{"ErrorEquals":["Item.Bad"],"ResultPath":"$.err","Next":"Done"}],"End":true},"Done":{"Type":"Succeed"}}}""",
                "{\"items\":[1]}");
        assertThat(r.status()).as("%s %s", r.error(), r.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.output()).isEqualTo(json("{\"items\":[1],\"err\":{\"Error\":\"Item.Bad\"}}"));
    }

    @Test
    void map_itemFailureWithoutCatch_failsWithTheItemError() {
        ExecutionResult r = run("""
                {"StartAt":"M","States":{"M":{"Type":"Map","Iterator":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Item.Bad","Cause":"no"}}},
                 "End":true}}}""", "[1]");
        assertThat(r.error()).isEqualTo("Item.Bad");
        assertThat(r.cause()).isEqualTo("no");
    }

    // ---- Variables ----

    @Test
    void assign_isVisibleFromTheNextState_notWithinTheAssigningState() {
        ExecutionResult r = run("""
                {"StartAt":"A","States":{
                 "A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},
                 "B":{"Type":"Pass","Assign":{"x.$":"States.MathAdd($x, 1)","old.$":"$x"},"Next":"C"},
                 "C":{"Type":"Pass","Parameters":{"x.$":"$x","old.$":"$old"},"End":true}}}""", "{}");
        assertThat(r.output()).isEqualTo(json("{\"x\":2,\"old\":1}"));
    }

    @Test
    void assign_inTaskSeesTheResult_andInCatchSeesTheErrorOutput() {
        ExecutionResult ok = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","ResultPath":null,
                 "Assign":{"id.$":"$.MessageId"},"Next":"U"},"U":{"Type":"Pass","Parameters":{"id.$":"$id"},"End":true}}}""",
                "{}", new Scripted("{\"MessageId\":\"m-1\"}"));
        assertThat(ok.output()).isEqualTo(json("{\"id\":\"m-1\"}"));
        ExecutionResult caught = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"why.$":"$.Cause"},"Next":"U"}],"End":true},
                 "U":{"Type":"Pass","Parameters":{"why.$":"$why"},"End":true}}}""", "{}", new Scripted("!E:the cause"));
        assertThat(caught.output()).isEqualTo(json("{\"why\":\"the cause\"}"));
    }

    @Test
    void variables_branchesReadOuterScope_butTheirAssignmentsStayInside() {
        ExecutionResult r = run("""
                {"StartAt":"A","States":{
                 "A":{"Type":"Pass","Assign":{"outer":"o"},"Next":"P"},
                 "P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{
                    "B":{"Type":"Pass","Assign":{"inner":"i"},"Next":"B2"},
                    "B2":{"Type":"Pass","Parameters":{"o.$":"$outer","i.$":"$inner"},"End":true}}}],"Next":"After"},
                 "After":{"Type":"Pass","Parameters":{"seen.$":"States.Array($outer)","branch.$":"$[0]"},"Next":"Leak"},
                 "Leak":{"Type":"Pass","Parameters":{"i.$":"$inner"},"End":true}}}""", "{}");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo(Errors.PARAMETER_PATH_FAILURE);
        assertThat(event(r, "After").output()).isEqualTo(json("{\"seen\":[\"o\"],\"branch\":{\"o\":\"o\",\"i\":\"i\"}}"));
    }

    // ---- Determinism and limits ----

    @Test
    void sameDefinitionInputAndSeed_giveTheSameResultAndHistory() {
        String def = """
                {"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"u.$":"States.UUID()","r.$":"States.MathRandom(0, 1000000)"},"End":true}}}""";
        assertThat(run(def, "{}")).isEqualTo(run(def, "{}"));
        ExecutionResult other = new AslEngine(Asl.NO_TASKS, ExecutionOptions.defaults("test").withSeed(7))
                .execute(Asl.def(def), json("{}"));
        assertThat(other.output()).isNotEqualTo(run(def, "{}").output());
    }

    @Test
    void startTime_isInjectable() {
        Instant start = Instant.parse("2030-06-01T08:00:00Z");
        ExecutionResult r = new AslEngine(Asl.NO_TASKS, ExecutionOptions.defaults("test").withStartTime(start))
                .execute(Asl.def("""
                        {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":5,"Next":"P"},
                         "P":{"Type":"Pass","Parameters":{"s.$":"$$.Execution.StartTime","e.$":"$$.State.EnteredTime"},"End":true}}}"""),
                        json("{}"));
        assertThat(r.output()).isEqualTo(json("{\"s\":\"2030-06-01T08:00:00.000Z\",\"e\":\"2030-06-01T08:00:05.000Z\"}"));
    }

    @Test
    void outputOverQuota_failsWithDataLimitExceeded() {
        ExecutionResult r = run("""
                {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sns:publish",
                 "Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},"C":{"Type":"Succeed"}}}""", "{}",
                req -> Asl.MAPPER.getNodeFactory().textNode("x".repeat(300_000)));
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo(Errors.DATA_LIMIT_EXCEEDED);
    }

    @Test
    void resultJson_hasTheCliShape() {
        ExecutionResult r = run("{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Error\":\"E\",\"Cause\":\"C\"}}}", "{}");
        assertThat(r.toJson(false)).isEqualTo(json("{\"status\":\"FAILED\",\"output\":null,\"error\":\"E\",\"cause\":\"C\"}"));
        assertThat(r.toJson(true).get("history").get(0).get("state").asText()).isEqualTo("F");
    }
}
