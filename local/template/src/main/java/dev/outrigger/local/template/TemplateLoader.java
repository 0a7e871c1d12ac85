package dev.outrigger.local.template;

import dev.outrigger.local.template.ResourceKind.Family;
import dev.outrigger.local.template.YNode.YList;
import dev.outrigger.local.template.YNode.YMap;
import dev.outrigger.local.template.YNode.YScalar;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One loading pass over a template: Transform, Parameters, Mappings, Conditions, Globals, the resources whose
 * Condition holds, each kind built by its reader, then Outputs. The results end up in the immutable
 * {@link LocalTemplate}. It is what {@link Intrinsics} asks for Ref, Fn::GetAtt, conditions and mappings.
 */
final class TemplateLoader implements Intrinsics.Names {
    final Path path;
    final LocalEndpoints endpoints;
    private final String file;
    private final Intrinsics intrinsics;
    private final Parameters parameters;
    private final Conditions conditions;
    private Map<String, Object> mappings = Map.of();
    /** Null until Parameters, Mappings and Globals are read: until then no name is a resource. */
    private TemplateResources resources;

    final Map<String, QueueDef> queueDefs = new LinkedHashMap<>();
    final Map<String, FunctionDef> functionDefs = new LinkedHashMap<>();
    final Map<String, TopicDef> topicDefs = new LinkedHashMap<>();
    final List<ScheduleDef> scheduleDefs = new ArrayList<>();
    final Map<String, StateMachineDef> stateMachineDefs = new LinkedHashMap<>();
    final List<AlarmDef> alarmDefs = new ArrayList<>();
    final Map<String, ResourceDef> resourceDefs = new LinkedHashMap<>();
    final List<ResourceDef> notEmulatedDefs = new ArrayList<>();
    final Map<String, String> outputValues = new LinkedHashMap<>();

    TemplateLoader(Path path, Reader text, Map<String, String> overrides, LocalEndpoints endpoints) {
        this.path = path;
        this.file = path.toString();
        this.endpoints = endpoints;
        this.intrinsics = new Intrinsics(file, this);
        this.parameters = new Parameters(file, intrinsics, endpoints);
        this.conditions = new Conditions(intrinsics);
        YNode root = new YamlTemplateParser(file).parse(text);
        if (!(root instanceof YMap top)) {
            throw new TemplateException(file, root.line(), null, "a template must be a map with a Resources section");
        }
        checkTransform(top);
        parameters.read(top.get("Parameters"), overrides);
        if (top.get("Mappings") != null) {
            mappings = PropertyValues.asMap(file, intrinsics.resolve(top.get("Mappings"), "Mappings"));
        }
        conditions.declare(top.get("Conditions"));
        Globals globals = Globals.read(file, top.get("Globals"));
        if (!(top.get("Resources") instanceof YMap res) || res.entries().isEmpty()) {
            throw new TemplateException(file, top.line(), null, "the template has no Resources");
        }
        resources = new TemplateResources(file, endpoints, intrinsics, globals);
        for (Map.Entry<String, YNode> e : res.entries().entrySet()) {
            String id = e.getKey();
            if (!(e.getValue() instanceof YMap r) || !(r.get("Type") instanceof YScalar t) || !(t.value() instanceof String type)) {
                throw new TemplateException(file, e.getValue().line(), "resource " + id, "a resource needs a Type");
            }
            if (r.get("Condition") != null) {
                String cond = String.valueOf(((YScalar) r.get("Condition")).value());
                if (!condition(cond, r.get("Condition").line(), "resource " + id)) {
                    continue;   // CloudFormation does not create it
                }
            }
            resources.add(id, type, r);
        }
        build();
        readOutputs(top.get("Outputs"));
    }

    Map<String, String> parameterStrings() {
        return parameters.strings();
    }

    private void checkTransform(YMap top) {
        YNode t = top.get("Transform");
        if (t == null) {
            return;
        }
        List<YNode> items = t instanceof YList l ? l.items() : List.of(t);
        for (YNode item : items) {
            Object v = item instanceof YScalar s ? s.value() : null;
            if (!"AWS::Serverless-2016-10-31".equals(v) && !"AWS::LanguageExtensions".equals(v)) {
                throw new TemplateException(file, item.line(), null, "Transform " + (v == null ? "(macro)" : v) + " is not supported locally");
            }
        }
    }

    /** Every resource's properties first (in template order), then each kind in the order the later ones need. */
    private void build() {
        for (String id : resources.ids()) {
            ResourceDef def = resources.resourceDef(id);
            resourceDefs.put(id, def);
            if (!resources.kind(id).emulated()) {
                notEmulatedDefs.add(def);
            }
        }
        PropertyValues values = new PropertyValues(file, resources);
        QueueReader queues = new QueueReader(resources, values, endpoints);
        resources.ids(Family.QUEUE).forEach(id -> queueDefs.put(id, queues.read(id)));
        TopicReader topics = new TopicReader(resources, values);
        resources.ids(Family.TOPIC).forEach(id -> topicDefs.put(id, topics.read(id)));
        resources.ids(Family.SUBSCRIPTION).forEach(id -> topics.subscribe(id, topicDefs));
        SqsEventSourceReader sqsEvents = new SqsEventSourceReader(resources, values, queueDefs);
        ScheduleReader schedules = new ScheduleReader(file, resources, values);
        FunctionReader functions = new FunctionReader(resources, values, intrinsics, sqsEvents, schedules);
        resources.ids(Family.FUNCTION).forEach(id -> functionDefs.put(id, functions.read(id, scheduleDefs::add)));
        EventSourceMappingReader mappings = new EventSourceMappingReader(resources, values, sqsEvents);
        resources.ids(Family.EVENT_SOURCE_MAPPING).forEach(id -> mappings.addTo(functionDefs, id));
        resources.ids(Family.SCHEDULE).forEach(id -> scheduleDefs.add(schedules.read(id)));
        StateMachineReader stateMachines = new StateMachineReader(resources, values, intrinsics, path);
        resources.ids(Family.STATE_MACHINE).forEach(id -> stateMachineDefs.put(id, stateMachines.read(id)));
        AlarmReader alarms = new AlarmReader(resources, values);
        resources.ids(Family.ALARM).forEach(id -> alarmDefs.add(alarms.read(id)));
    }

    private void readOutputs(YNode node) {
        if (!(node instanceof YMap outputs)) {
            return;
        }
        for (Map.Entry<String, YNode> e : outputs.entries().entrySet()) {
            String scope = "output " + e.getKey();
            if (!(e.getValue() instanceof YMap o) || o.get("Value") == null) {
                throw new TemplateException(file, e.getValue().line(), scope, "an output needs a Value");
            }
            if (o.get("Condition") instanceof YScalar c && !condition(String.valueOf(c.value()), c.line(), scope)) {
                continue;
            }
            try {
                Object value = intrinsics.resolve(o.get("Value"), scope);
                outputValues.put(e.getKey(), intrinsics.string(value, o.get("Value").line(), scope, "Value"));
            } catch (TemplateException unresolvable) {
                // left out (see LocalTemplate.outputs()): a command that asks for it says which outputs there are
            }
        }
    }

    // ------------------------------------------------------------------------------------- Intrinsics.Names

    @Override
    public Object ref(String name, int line, String scope) {
        Object value = parameters.value(name);
        if (value != null) {
            return value;
        }
        return resources == null ? null : resources.ref(name);
    }

    @Override
    public Object getAtt(String id, String attribute, int line, String scope) {
        return resources == null ? null : resources.getAtt(id, attribute, line, scope);
    }

    @Override
    public boolean condition(String name, int line, String scope) {
        return conditions.holds(name, line, scope);
    }

    @Override
    public Object findInMap(String map, String top, String second) {
        if (mappings.get(map) instanceof Map<?, ?> m && m.get(top) instanceof Map<?, ?> t) {
            return t.get(second);
        }
        return null;
    }

    @Override
    public String region() {
        return endpoints.region();
    }
}
