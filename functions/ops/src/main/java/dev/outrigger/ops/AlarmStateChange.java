package dev.outrigger.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.core.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CloudWatch alarm changing state, from either source:
 * <ul>
 *   <li>the EventBridge event "CloudWatch Alarm State Change"
 *       (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html), which the
 *       template routes to the notifier;</li>
 *   <li>the JSON CloudWatch publishes to an SNS alarm action
 *       (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html), accepted too so
 *       the notifier also works when subscribed to a topic;</li>
 *   <li>the local runtime's alarm evaluator, which builds one directly.</li>
 * </ul>
 *
 * @param comparison  e.g. GreaterThanThreshold (null when the source does not say; the reason text does)
 * @param metricMath  true when the alarm evaluates an expression over several metrics
 */
public record AlarmStateChange(String alarmName, String alarmArn, String description, String account, String region,
                               String state, String previousState, String reason, Instant since,
                               Double threshold, String comparison, List<Double> recentDatapoints,
                               String namespace, String metricName, Map<String, String> dimensions, String statistic,
                               Integer periodSeconds, boolean metricMath, List<String> namespaces) {

    /** CloudWatch writes "2019-10-02T17:04:40.989+0000". */
    private static final DateTimeFormatter CW_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    public static AlarmStateChange parse(JsonNode event) {
        if (event.has("detail") && event.path("detail").has("alarmName")) {
            return fromEventBridge(event);
        }
        JsonNode records = event.path("Records");
        if (records.isArray() && !records.isEmpty() && records.get(0).has("Sns")) {
            try {
                return fromSnsNotification(Json.MAPPER.readTree(records.get(0).path("Sns").path("Message").asText()));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("Records[0].Sns.Message is not CloudWatch alarm JSON: " + e.getMessage());
            }
        }
        if (event.has("AlarmName") && event.has("NewStateValue")) {
            return fromSnsNotification(event);
        }
        throw new IllegalArgumentException("not an alarm state change: expected an EventBridge 'CloudWatch Alarm State Change' "
                + "event (detail.alarmName) or a CloudWatch SNS alarm notification (AlarmName, NewStateValue)");
    }

    static AlarmStateChange fromEventBridge(JsonNode e) {
        JsonNode d = e.path("detail");
        JsonNode state = d.path("state");
        JsonNode metrics = d.path("configuration").path("metrics");
        String namespace = null;
        String metricName = null;
        String statistic = null;
        Integer period = null;
        Map<String, String> dims = new LinkedHashMap<>();
        List<String> namespaces = new ArrayList<>();
        for (JsonNode m : metrics) {
            JsonNode stat = m.path("metricStat");
            if (stat.isMissingNode()) {
                continue;
            }
            String ns = stat.path("metric").path("namespace").asText(null);
            if (ns != null && !namespaces.contains(ns)) {
                namespaces.add(ns);
            }
            if (namespace == null) {
                namespace = ns;
                metricName = stat.path("metric").path("name").asText(null);
                statistic = stat.path("stat").asText(null);
                period = stat.has("period") ? stat.path("period").asInt() : null;
                stat.path("metric").path("dimensions").fields().forEachRemaining(f -> dims.put(f.getKey(), f.getValue().asText()));
            }
        }
        JsonNode reasonData = reasonData(state.path("reasonData").asText(""));
        List<Double> recent = new ArrayList<>();
        reasonData.path("recentDatapoints").forEach(v -> recent.add(v.asDouble()));
        String name = d.path("alarmName").asText();
        String arn = e.path("resources").path(0).asText(null);
        return new AlarmStateChange(name, arn, d.path("configuration").path("description").asText(null),
                e.path("account").asText(null), e.path("region").asText(null), state.path("value").asText(),
                d.path("previousState").path("value").asText(null), state.path("reason").asText(null),
                time(state.path("timestamp").asText(e.path("time").asText(null))),
                reasonData.has("threshold") ? reasonData.path("threshold").asDouble() : null, null, recent,
                namespace, metricName, dims, statistic != null ? statistic : reasonData.path("statistic").asText(null),
                period != null ? period : reasonData.has("period") ? reasonData.path("period").asInt() : null,
                metrics.size() > 1, namespaces);
    }

    static AlarmStateChange fromSnsNotification(JsonNode n) {
        JsonNode t = n.path("Trigger");
        Map<String, String> dims = new LinkedHashMap<>();
        t.path("Dimensions").forEach(x -> dims.put(x.path("name").asText(), x.path("value").asText()));
        String namespace = t.path("Namespace").asText(null);
        List<String> namespaces = new ArrayList<>();
        t.path("Metrics").forEach(m -> {
            String ns = m.path("MetricStat").path("Metric").path("Namespace").asText(null);
            if (ns != null && !namespaces.contains(ns)) {
                namespaces.add(ns);
            }
        });
        if (namespace != null) {
            namespaces.add(0, namespace);
        }
        JsonNode reasonData = reasonData(n.path("NewStateReasonData").asText(""));
        List<Double> recent = new ArrayList<>();
        reasonData.path("recentDatapoints").forEach(v -> recent.add(v.asDouble()));
        String arn = n.path("AlarmArn").asText(null);
        return new AlarmStateChange(n.path("AlarmName").asText(), arn, n.path("AlarmDescription").asText(null),
                n.path("AWSAccountId").asText(null), arn != null && arn.split(":").length > 3 ? arn.split(":")[3] : n.path("Region").asText(null),
                n.path("NewStateValue").asText(), n.path("OldStateValue").asText(null), n.path("NewStateReason").asText(null),
                time(n.path("StateChangeTime").asText(null)), t.has("Threshold") ? t.path("Threshold").asDouble() : null,
                t.path("ComparisonOperator").asText(null), recent, namespace, t.path("MetricName").asText(null), dims,
                t.has("ExtendedStatistic") && !t.path("ExtendedStatistic").isNull() ? t.path("ExtendedStatistic").asText()
                        : t.path("Statistic").asText(null),
                t.has("Period") ? t.path("Period").asInt() : null, t.has("Metrics") && t.path("Metrics").size() > 1, namespaces);
    }

    public boolean isAlarm() {
        return "ALARM".equals(state);
    }

    private static JsonNode reasonData(String text) {
        try {
            return text == null || text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }

    static Instant time(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s, CW_TIME).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
