package dev.outrigger.local.cli;

import static dev.outrigger.local.cli.SfnCli.root;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.outrigger.core.RequestSigner;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code outrigger sfn run} on the cutover machine with its Django-facing steps (maintenance toggle, verify writes)
 * running the real handlers in process, configured only through template.yaml and --env-file, against a stand-in
 * Django on 127.0.0.1 that checks every signature. The rest comes from the HappyPathRealLambdas test case.
 */
class SfnRealLambdasIT {
    private static final String SECRET = "sfn-cli-test-secret";

    record Call(String path, String body, boolean signed) {
    }

    @TempDir
    Path tmp;

    private HttpServer django;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile int verifyStatus = 200;

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
            String text = new String(body, StandardCharsets.UTF_8);
            calls.add(new Call(path, text, signed));
            int status;
            String answer;
            if (!signed) {
                status = 401;
                answer = "{\"error\":\"unauthorized\"}";
            } else if (path.equals("maintenance")) {
                status = 200;
                answer = text.contains("\"enabled\":true")
                        ? "{\"enabled\":true,\"reason\":\"Database cutover in progress\",\"changed_at\":\"2026-01-01T00:00:00+00:00\"}"
                        : "{\"enabled\":false,\"reason\":\"Database cutover complete\",\"changed_at\":\"2026-01-01T00:30:00+00:00\"}";
            } else if (path.equals("verify-writes")) {
                status = verifyStatus;
                answer = verifyStatus == 200 ? "{\"ok\":true,\"database\":\"default\",\"vendor\":\"postgresql\",\"latency_ms\":2.0}"
                        : "{\"ok\":false,\"database\":\"default\",\"error\":\"OperationalError\",\"message\":\"read-only\"}";
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

    private SfnCli.Result cutover() throws Exception {
        // What a developer puts in --env-file: the literal secret, and the template's secret ARN blanked.
        Path env = tmp.resolve("local.env");
        Files.writeString(env, String.join("\n",
                "DJANGO_BASE_URL=http://127.0.0.1:" + django.getAddress().getPort() + "/internal/outrigger/",
                "OUTRIGGER_SIGNING_SECRET=" + SECRET,
                "OUTRIGGER_SIGNING_SECRET_ARN=", ""));
        return SfnCli.run("sfn", "run", root("statemachines/cutover.asl.json"), "--template", root("template.yaml"),
                "--env-file", env.toString(), "--input", "@" + root("events/statemachines/cutover-input.json"),
                "--mocks", root("events/statemachines/mocks.json"), "--test-case", "HappyPathRealLambdas", "--history");
    }

    @Test
    void cutoverHappyPath_realHandlersInProcess_signEveryDjangoCall_exit0() throws Exception {
        SfnCli.Result r = cutover();

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        ObjectNode json = r.json();
        assertThat(json.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(calls).extracting(Call::path).containsExactly("maintenance", "verify-writes", "maintenance");
        assertThat(calls).allMatch(Call::signed);
        // issued at the state's EnteredTime (Django orders maintenance calls by it)
        assertThat(calls.getFirst().body()).startsWith("{\"action\":\"maintenance\",\"enabled\":true,"
                + "\"reason\":\"Database cutover in progress\",\"issued_at\":\"");
    }

    @Test
    void cutover_djangoRefusingTheWrite_failsWithTheHandlersExceptionClass_exit1() throws Exception {
        verifyStatus = 503;

        SfnCli.Result r = cutover();

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        ObjectNode json = r.json();
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("error").asText()).isEqualTo("dev.outrigger.cutover.VerifyWritesFailed");
        assertThat(json.get("history").toString()).contains("RevertDatabaseSetting").doesNotContain("\"MaintenanceOff\"");
        assertThat(calls).extracting(Call::path).containsExactly("maintenance", "verify-writes", "verify-writes", "verify-writes");
    }
}
