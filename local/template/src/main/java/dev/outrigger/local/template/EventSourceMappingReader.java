package dev.outrigger.local.template;

import static dev.outrigger.local.template.PropertyValues.str;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** AWS::Lambda::EventSourceMapping: an SQS mapping is added to its function's event sources; others are ignored. */
final class EventSourceMappingReader {
    private final TemplateResources resources;
    private final PropertyValues values;
    private final SqsEventSourceReader sqsEvents;

    EventSourceMappingReader(TemplateResources resources, PropertyValues values, SqsEventSourceReader sqsEvents) {
        this.resources = resources;
        this.values = values;
        this.sqsEvents = sqsEvents;
    }

    /** Adds the mapping {@code id} to the function it names, in {@code functions} (by logical id). */
    void addTo(Map<String, FunctionDef> functions, String id) {
        Map<String, Object> p = resources.properties(id);
        String fn = resources.functionByArnOrName(str(p.get("FunctionName")));
        if (fn == null) {
            throw values.error(id, "FunctionName", "FunctionName " + p.get("FunctionName") + " is not a function of this template");
        }
        String source = str(p.get("EventSourceArn"));
        if (source == null || !source.startsWith("arn:aws:sqs:")) {
            return;   // only SQS mappings are emulated
        }
        FunctionDef f = functions.get(fn);
        List<SqsEventSource> sources = new ArrayList<>(f.sqsEventSources());
        sources.add(sqsEvents.read(id, id, p));
        functions.put(fn, new FunctionDef(f.logicalId(), f.name(), f.arn(), f.handlerClass(), f.handlerMethod(), f.runtime(),
                f.timeoutSeconds(), f.memorySizeMb(), f.environment(), List.copyOf(sources), f.line()));
    }
}
