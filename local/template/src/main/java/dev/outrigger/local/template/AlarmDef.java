package dev.outrigger.local.template;

import java.util.List;
import java.util.Map;

/**
 * An AWS::CloudWatch::Alarm (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html).
 *
 * @param metrics metric-math Metrics as written, or an empty list for a single-metric alarm
 */
public record AlarmDef(String logicalId, String name, String namespace, String metricName, Map<String, String> dimensions,
                       String statistic, int periodSeconds, double threshold, String comparisonOperator,
                       int evaluationPeriods, int datapointsToAlarm, String treatMissingData, List<String> alarmActions,
                       List<String> okActions, List<Map<String, Object>> metrics, int line) {
}
