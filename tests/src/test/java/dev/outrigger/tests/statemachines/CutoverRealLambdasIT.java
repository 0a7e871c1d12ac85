package dev.outrigger.tests.statemachines;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.asl.ExecutionStatus;
import dev.outrigger.asl.LambdaInvoker;
import dev.outrigger.asl.TaskFailure;
import dev.outrigger.core.Env;
import dev.outrigger.cutover.MaintenanceToggleHandler;
import dev.outrigger.cutover.VerifyWritesHandler;
import dev.outrigger.testing.CutoverDjango.Call;
import dev.outrigger.testing.CutoverDjango;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover's Django-facing steps run the real Java handlers in process against a stand-in Django on 127.0.0.1
 * that verifies every signature; everything else comes from the HappyPathRealLambdas mock test case.
 */
class CutoverRealLambdasIT {
    private static final String SECRET = "cutover-test-secret";

    private CutoverDjango django;

    @BeforeEach
    void startDjango() {
        django = new CutoverDjango(SECRET);
    }

    @AfterEach
    void stopDjango() {
        django.close();
    }

    /** The project's handlers by function name, failing the way Lambda reports a Java exception (errorType = class name). */
    private LambdaInvoker handlers() {
        Env env = Env.of(Map.of("DJANGO_BASE_URL", django.baseUrl().toString(),
                "OUTRIGGER_SIGNING_SECRET", SECRET));
        MaintenanceToggleHandler maintenance = new MaintenanceToggleHandler(env);
        VerifyWritesHandler verify = new VerifyWritesHandler(env);
        return new LambdaInvoker() {
            @Override
            public boolean hasFunction(String name) {
                return name.equals("outrigger-dev-maintenance-toggle") || name.equals("outrigger-dev-verify-writes");
            }

            @Override
            @SuppressWarnings("unchecked")
            public JsonNode invoke(String name, JsonNode payload) throws TaskFailure {
                Map<String, Object> event = Machines.MAPPER.convertValue(payload, Map.class);
                try {
                    Object out = name.equals("outrigger-dev-maintenance-toggle")
                            ? maintenance.handleRequest(event, null) : verify.handleRequest(event, null);
                    return Machines.MAPPER.valueToTree(out);
                } catch (RuntimeException e) {
                    throw new TaskFailure(e.getClass().getName(), String.valueOf(e.getMessage()));
                }
            }
        };
    }

    private Machines.Execution run(String testCase) {
        return Machines.run("cutover", "CutoverStateMachine", testCase,
                Machines.json("events/statemachines/cutover-input.json"), Optional.of(handlers()));
    }

    @Test
    void happyPath_withRealHandlers_signsEveryDjangoCall_inOrder() throws Exception {
        Machines.Execution run = run("HappyPathRealLambdas");

        assertThat(run.result().status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.path()).endsWith("VerifyWrites", "ResyncSequences", "SequencesReset?", "ResumeSchedules",
                "MaintenanceOff", "NotifyCutoverSucceeded", "CutoverSucceeded");
        assertThat(django.calls()).extracting(Call::path).containsExactly("maintenance", "verify-writes", "maintenance");
        assertThat(django.calls()).allMatch(Call::signed);
        JsonNode on = Machines.MAPPER.readTree(django.calls().getFirst().body());
        JsonNode off = Machines.MAPPER.readTree(django.calls().getLast().body());
        assertThat(on.toString()).startsWith("{\"action\":\"maintenance\",\"enabled\":true,\"reason\":\"Database cutover in progress\",");
        assertThat(off.toString()).startsWith("{\"action\":\"maintenance\",\"enabled\":false,\"reason\":\"Database cutover complete\",");
        // each call is issued at its state's EnteredTime, so Django can refuse the "on" replayed after the "off"
        assertThat(Instant.parse(off.get("issued_at").asText())).isAfter(Instant.parse(on.get("issued_at").asText()));
        assertThat(run.message()).contains("Writes verified on database default; sequences reset.", "Maintenance: off");
    }

    @Test
    void djangoRefusingTheWrite_throughTheRealHandler_rollsBack_andKeepsMaintenanceOn() {
        django.verifyWrites(503, CutoverDjango.WRITES_READ_ONLY);
        Machines.Execution run = run("HappyPathRealLambdas");

        // The real handler's exception name is what the Retry and Catch match: retried twice, then rolled back.
        assertThat(run.result().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.result().error()).isEqualTo("dev.outrigger.cutover.VerifyWritesFailed");
        assertThat(run.path()).contains("WritesNotVerified", "RevertDatabaseSetting").doesNotContain("MaintenanceOff");
        assertThat(django.calls()).extracting(Call::path).containsExactly("maintenance", "verify-writes", "verify-writes", "verify-writes");
    }
}
