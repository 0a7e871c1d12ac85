package dev.outrigger.tests.django;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a Django IT, with the reason, when the chosen Django ({@link DjangoHarness#DJANGO}) or boto3 beside it is not
 * installed (clients/django/install-deps.sh installs them). With CI=true it does not skip: {@link DjangoHarness#start}
 * then fails with the same reason, so CI can't pass without running the test.
 */
final class RequiresDjango implements ExecutionCondition {
    record Check(String version, String problem) {
    }

    private static Check check;

    static synchronized Check check() {
        if (check == null) {
            check = probe();
        }
        return check;
    }

    private static Check probe() {
        String what = "with-django " + DjangoHarness.DJANGO + " python3";
        try {
            Process p = new ProcessBuilder(DjangoHarness.withDjango().toString(), DjangoHarness.DJANGO, "python3", "-c",
                    "import django, boto3; print(django.get_version())").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String last = out.lines().reduce((a, b) -> b).orElse("");
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                // with-django's own message says what is missing and to run install-deps.sh
                return new Check(null, last.startsWith("with-django:") ? last
                        : what + " cannot import django and boto3: " + last);
            }
            if (!last.startsWith(DjangoHarness.DJANGO + ".")) {
                return new Check(null, what + " has Django " + last + ", not " + DjangoHarness.DJANGO);
            }
            return new Check(last, null);
        } catch (IOException e) {
            return new Check(null, what + " cannot be run (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(null, "interrupted while probing " + what);
        }
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Check c = check();
        if (c.version() != null || inCi()) {
            return ConditionEvaluationResult.enabled("Django " + c.version());
        }
        System.out.println("[django-it] SKIPPED: " + c.problem());
        return ConditionEvaluationResult.disabled("Django test skipped: " + c.problem());
    }
}
