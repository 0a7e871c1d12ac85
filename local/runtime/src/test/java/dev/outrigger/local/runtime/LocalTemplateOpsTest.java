package dev.outrigger.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.local.template.AlarmDef;
import dev.outrigger.local.template.LocalEndpoints;
import dev.outrigger.local.template.LocalTemplate;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real template's alarms, as the local alarm evaluator reads them. */
class LocalTemplateOpsTest {
    @Test
    void projectTemplate_alarmsLoad_withTheirSqsMetricsAndNames() {
        LocalTemplate t = LocalTemplate.load(Path.of("../../template.yaml"), Map.of(), LocalEndpoints.defaults());
        assertThat(t.alarms()).extracting(AlarmDef::name).contains("outrigger-dev-jobs-default-dlq-not-empty",
                "outrigger-dev-jobs-heavy-dlq-not-empty", "outrigger-dev-jobs-default-oldest-message-age",
                "outrigger-dev-job-worker-duration-p99", "outrigger-dev-jobs-dead-lettered-burst");
        AlarmDef dlq = t.alarms().stream().filter(a -> a.logicalId().equals("JobsDefaultDLQNotEmptyAlarm")).findFirst().orElseThrow();
        assertThat(dlq.dimensions()).containsEntry("QueueName", "outrigger-dev-jobs-default-dlq");
        assertThat(dlq.threshold()).isZero();
        assertThat(LocalAlarmEvaluator.opsTopic(t)).contains(t.topics().get("OpsTopic").arn());
        assertThat(LocalAlarmEvaluator.breaches("GreaterThanThreshold", 1, 0)).isTrue();
        assertThat(LocalAlarmEvaluator.breaches("GreaterThanOrEqualToThreshold", 10, 10)).isTrue();
        assertThat(LocalAlarmEvaluator.breaches("GreaterThanThreshold", 0, 0)).isFalse();
    }
}
