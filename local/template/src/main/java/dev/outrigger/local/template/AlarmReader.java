package dev.outrigger.local.template;

import static dev.outrigger.local.template.PropertyValues.str;
import static dev.outrigger.local.template.PropertyValues.strings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AWS::CloudWatch::Alarm to {@link AlarmDef}, with CloudWatch's defaults (Period 60, TreatMissingData missing). */
final class AlarmReader {
    private final TemplateResources resources;
    private final PropertyValues values;

    AlarmReader(TemplateResources resources, PropertyValues values) {
        this.resources = resources;
        this.values = values;
    }

    AlarmDef read(String id) {
        Map<String, Object> p = resources.properties(id);
        Map<String, String> dims = new LinkedHashMap<>();
        if (p.get("Dimensions") instanceof List<?> l) {
            for (Object o : l) {
                Map<String, Object> d = values.asMap(o);
                dims.put(str(d.get("Name")), str(d.get("Value")));
            }
        }
        List<Map<String, Object>> metrics = new ArrayList<>();
        if (p.get("Metrics") instanceof List<?> l) {
            l.forEach(o -> metrics.add(values.asMap(o)));
        }
        int evaluationPeriods = values.integer(p.get("EvaluationPeriods"), id, "EvaluationPeriods", 1);
        String statistic = p.containsKey("Statistic") ? str(p.get("Statistic")) : str(p.get("ExtendedStatistic"));
        return new AlarmDef(id, resources.physicalName(id), str(p.get("Namespace")), str(p.get("MetricName")), dims, statistic,
                values.integer(p.get("Period"), id, "Period", 60), values.number(p.get("Threshold"), id, "Threshold"),
                str(p.get("ComparisonOperator")), evaluationPeriods,
                values.integer(p.get("DatapointsToAlarm"), id, "DatapointsToAlarm", evaluationPeriods),
                p.containsKey("TreatMissingData") ? str(p.get("TreatMissingData")) : "missing",
                strings(p.get("AlarmActions")), strings(p.get("OKActions")), metrics, resources.line(id));
    }
}
