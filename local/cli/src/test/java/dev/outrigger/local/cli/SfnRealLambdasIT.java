package dev.outrigger.local.cli;

import static dev.outrigger.local.cli.SfnCli.root;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.testing.CutoverDjango.Call;
import dev.outrigger.testing.CutoverDjango;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @TempDir
    Path tmp;

    private CutoverDjango django;

    @BeforeEach
    void startDjango() {
        django = new CutoverDjango(SECRET);
    }

    @AfterEach
    void stopDjango() {
        django.close();
    }

    private SfnCli.Result cutover() throws Exception {
        // What a developer puts in --env-file: the literal secret, and the template's secret ARN blanked.
        Path env = tmp.resolve("local.env");
        Files.writeString(env, String.join("\n",
                "DJANGO_BASE_URL=" + django.baseUrl(),
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
        assertThat(django.calls()).extracting(Call::path).containsExactly("maintenance", "verify-writes", "maintenance");
        assertThat(django.calls()).allMatch(Call::signed);
        // issued at the state's EnteredTime (Django orders maintenance calls by it)
        assertThat(django.calls().getFirst().body()).startsWith("{\"action\":\"maintenance\",\"enabled\":true,"
                + "\"reason\":\"Database cutover in progress\",\"issued_at\":\"");
    }

    @Test
    void cutover_djangoRefusingTheWrite_failsWithTheHandlersExceptionClass_exit1() throws Exception {
        django.verifyWrites(503, CutoverDjango.WRITES_READ_ONLY);

        SfnCli.Result r = cutover();

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        ObjectNode json = r.json();
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("error").asText()).isEqualTo("dev.outrigger.cutover.VerifyWritesFailed");
        assertThat(json.get("history").toString()).contains("RevertDatabaseSetting").doesNotContain("\"MaintenanceOff\"");
        assertThat(django.calls()).extracting(Call::path).containsExactly("maintenance", "verify-writes", "verify-writes", "verify-writes");
    }
}
