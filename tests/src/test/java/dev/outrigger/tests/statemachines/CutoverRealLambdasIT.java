package dev.outrigger.tests.statemachines;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.asl.ExecutionStatus;
import dev.outrigger.asl.LambdaInvoker;
import dev.outrigger.asl.TaskFailure;
import dev.outrigger.core.Env;
import dev.outrigger.core.RequestSigner;
import dev.outrigger.cutover.MaintenanceToggleHandler;
import dev.outrigger.cutover.VerifyWritesHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cutover's Django-facing steps run the real Java handlers in process against a stand-in Django on 127.0.0.1
 * that verifies every signature; everything else comes from the HappyPathRealLambdas mock test case.
 */
class CutoverRealLambdasIT {
    private static final String SECRET = "cutover-test-secret";

    record Call(String path, String body, boolean signed) {
    }

    private HttpServer django;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile int verifyStatus = 200;
    private volatile String verifyBody = "{\"ok\":true,\"database\":\"default\",\"vendor\":\"postgresql\",\"latency_ms\":2.0}";

    @BeforeEach
    void startDjango() throws Exception {
        django = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        django.createContext("/internal/outrigger/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath().substring("/internal/outrigger/".length());
            boolean signed = RequestSigner.verify(SECRET, ex.getRequestMethod(), path,
                    ex.getRequestHeaders().getFirst(RequestSigner.TIMESTAMP_HEADER),
                    ex.getRequestHeaders().getFirst(RequestSigner.SIGNATURE_HEADER), body,
                    System.currentTimeMillis() / 1000, 300);
            calls.add(new Call(path, new String(body, StandardCharsets.UTF_8), signed));
            int status;
            String answer;
            if (!signed) {
                status = 401;
                answer = "{\"error\":\"unauthorized\"}";
            } else if (path.equals("maintenance")) {
                status = 200;
                answer = body.length > 0 && new String(body, StandardCharsets.UTF_8).contains("\"enabled\":true")
                        ? "{\"enabled\":true,\"reason\":\"Database cutover in progress\",\"changed_at\":\"2026-01-01T00:00:00+00:00\"}"
                        : "{\"enabled\":false,\"reason\":\"Database cutover complete\",\"changed_at\":\"2026-01-01T00:30:00+00:00\"}";
            } else if (path.equals("verify-writes")) {
                status = verifyStatus;
                answer = verifyBody;
            } else {
                status = 404;
                answer = "{}";
            }
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        django.start();
    }

    @AfterEach
    void stopDjango() {
        django.stop(0);
    }

    /** The project's handlers by function name, failing the way Lambda reports a Java exception (errorType = class name). */
    private LambdaInvoker handlers() {
        Env env = Env.of(Map.of("DJANGO_BASE_URL", "http://127.0.0.1:" + django.getAddress().getPort() + "/internal/outrigger/",
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
        assertThat(calls).extracting(Call::path).containsExactly("maintenance", "verify-writes", "maintenance");
        assertThat(calls).allMatch(Call::signed);
        JsonNode on = Machines.MAPPER.readTree(calls.getFirst().body());
        JsonNode off = Machines.MAPPER.readTree(calls.getLast().body());
        assertThat(on.toString()).startsWith("{\"action\":\"maintenance\",\"enabled\":true,\"reason\":\"Database cutover in progress\",");
        assertThat(off.toString()).startsWith("{\"action\":\"maintenance\",\"enabled\":false,\"reason\":\"Database cutover complete\",");
        // each call is issued at its state's EnteredTime, so Django can refuse the "on" replayed after the "off"
        assertThat(Instant.parse(off.get("issued_at").asText())).isAfter(Instant.parse(on.get("issued_at").asText()));
        assertThat(run.message()).contains("Writes verified on database default; sequences reset.", "Maintenance: off");
    }

    @Test
    void djangoRefusingTheWrite_throughTheRealHandler_rollsBack_andKeepsMaintenanceOn() {
        verifyStatus = 503;
        verifyBody = "{\"ok\":false,\"database\":\"default\",\"error\":\"OperationalError\",\"message\":\"read-only\"}";
        Machines.Execution run = run("HappyPathRealLambdas");

        // The real handler's exception name is what the Retry and Catch match: retried twice, then rolled back.
        assertThat(run.result().status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.result().error()).isEqualTo("dev.outrigger.cutover.VerifyWritesFailed");
        assertThat(run.path()).contains("WritesNotVerified", "RevertDatabaseSetting").doesNotContain("MaintenanceOff");
        assertThat(calls).extracting(Call::path).containsExactly("maintenance", "verify-writes", "verify-writes", "verify-writes");
    }
}
