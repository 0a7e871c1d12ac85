package dev.outrigger.local.template;

import static dev.outrigger.local.template.PropertyValues.str;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * AWS::Serverless::Function and AWS::Lambda::Function to {@link FunctionDef}: Handler, environment (Globals
 * merged), and the SQS events it polls; its ScheduleV2 and Schedule events become schedules.
 */
final class FunctionReader {
    private final TemplateResources resources;
    private final PropertyValues values;
    private final Intrinsics intrinsics;
    private final SqsEventSourceReader sqsEvents;
    private final ScheduleReader schedules;

    FunctionReader(TemplateResources resources, PropertyValues values, Intrinsics intrinsics, SqsEventSourceReader sqsEvents,
                   ScheduleReader schedules) {
        this.resources = resources;
        this.values = values;
        this.intrinsics = intrinsics;
        this.sqsEvents = sqsEvents;
        this.schedules = schedules;
    }

    /** @param scheduleEvents receives the function's ScheduleV2 and Schedule events, in template order */
    FunctionDef read(String id, Consumer<ScheduleDef> scheduleEvents) {
        Map<String, Object> p = resources.properties(id);
        String handler = str(p.get("Handler"));
        if (handler == null || handler.isBlank()) {
            throw values.error(id, "Handler", "a function needs a Handler (class::method)");
        }
        String cls = handler;
        String method = "handleRequest";
        int sep = handler.indexOf("::");
        if (sep >= 0) {
            cls = handler.substring(0, sep);
            method = handler.substring(sep + 2);
        }
        Map<String, String> env = new TreeMap<>();
        if (p.get("Environment") instanceof Map<?, ?> e && e.get("Variables") instanceof Map<?, ?> vars) {
            for (Map.Entry<?, ?> v : vars.entrySet()) {
                if (v.getValue() instanceof Map || v.getValue() instanceof List) {
                    throw values.error(id, "Environment", "environment variable " + v.getKey() + " must be a string, got " + v.getValue());
                }
                env.put(String.valueOf(v.getKey()), v.getValue() == null ? "" : intrinsics.string(v.getValue(),
                        resources.propertyLine(id, "Environment", "Variables", String.valueOf(v.getKey())), "resource " + id, "Environment"));
            }
        }
        List<SqsEventSource> sources = new ArrayList<>();
        if (p.get("Events") instanceof Map<?, ?> events) {
            for (Map.Entry<?, ?> ev : events.entrySet()) {
                String evName = String.valueOf(ev.getKey());
                Map<String, Object> e = values.asMap(ev.getValue());
                Map<String, Object> ep = e.get("Properties") == null ? Map.of() : values.asMap(e.get("Properties"));
                String evType = str(e.get("Type"));
                if ("SQS".equals(evType)) {
                    sources.add(sqsEvents.read(id, evName, ep));
                } else if ("ScheduleV2".equals(evType) || "Schedule".equals(evType)) {
                    scheduleEvents.accept(schedules.readEvent(id, evName, ep));
                }
            }
        }
        return new FunctionDef(id, resources.physicalName(id), resources.arn(id), cls, method, str(p.getOrDefault("Runtime", "java21")),
                values.integer(p.get("Timeout"), id, "Timeout", 3), values.integer(p.get("MemorySize"), id, "MemorySize", 128),
                Collections.unmodifiableMap(env), sources, resources.line(id));
    }
}
