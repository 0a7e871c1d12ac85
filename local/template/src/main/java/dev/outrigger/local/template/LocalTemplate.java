package dev.outrigger.local.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.outrigger.local.template.YNode.YList;
import dev.outrigger.local.template.YNode.YMap;
import dev.outrigger.local.template.YNode.YScalar;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A SAM/CloudFormation template loaded for the local runtime: Parameters (defaults, overrides, AllowedValues),
 * Conditions, Mappings, Globals, pseudo parameters, and Ref/GetAtt resolved to local URLs and ARNs.
 *
 * <pre>{@code
 * LocalTemplate t = LocalTemplate.load(Path.of("template.yaml"), Map.of("Env", "dev"), LocalEndpoints.defaults());
 * t.queues(); t.functions(); t.schedules(); t.stateMachines(); t.alarms(); t.topics(); t.notEmulated();
 * }</pre>
 *
 * Every problem is a {@link TemplateException} whose message starts with {@code file:line: resource X:}.
 */
public final class LocalTemplate {
    public static final String STACK_NAME = "outrigger-local";

    private static final Set<String> QUEUE = Set.of("AWS::SQS::Queue");
    private static final Set<String> FUNCTION = Set.of("AWS::Serverless::Function", "AWS::Lambda::Function");
    private static final Set<String> TOPIC = Set.of("AWS::SNS::Topic");
    private static final Set<String> STATE_MACHINE = Set.of("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine");
    /** Types the runtime reads (others are listed as not emulated). */
    private static final Set<String> EMULATED = Set.of("AWS::SQS::Queue", "AWS::Serverless::Function", "AWS::Lambda::Function",
            "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine",
            "AWS::Scheduler::Schedule", "AWS::Scheduler::ScheduleGroup", "AWS::CloudWatch::Alarm",
            "AWS::Lambda::EventSourceMapping");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final LocalEndpoints endpoints;
    private final Map<String, String> parameters;
    private final Map<String, QueueDef> queues;
    private final Map<String, FunctionDef> functions;
    private final Map<String, TopicDef> topics;
    private final List<ScheduleDef> schedules;
    private final Map<String, StateMachineDef> stateMachines;
    private final List<AlarmDef> alarms;
    private final Map<String, ResourceDef> resources;
    private final List<ResourceDef> notEmulated;
    private final Map<String, String> outputs;

    private LocalTemplate(Loader l) {
        this.path = l.path;
        this.endpoints = l.endpoints;
        this.parameters = Collections.unmodifiableMap(l.parameterStrings());
        this.queues = Collections.unmodifiableMap(l.queueDefs);
        this.functions = Collections.unmodifiableMap(l.functionDefs);
        this.topics = Collections.unmodifiableMap(l.topicDefs);
        this.schedules = List.copyOf(l.scheduleDefs);
        this.stateMachines = Collections.unmodifiableMap(l.stateMachineDefs);
        this.alarms = List.copyOf(l.alarmDefs);
        this.resources = Collections.unmodifiableMap(l.resourceDefs);
        this.notEmulated = List.copyOf(l.notEmulatedDefs);
        this.outputs = Collections.unmodifiableMap(l.outputValues);
    }

    /** Loads a template file; the file name in errors is the path as given. */
    public static LocalTemplate load(Path template, Map<String, String> parameterOverrides, LocalEndpoints endpoints) {
        String text;
        try {
            text = Files.readString(template, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TemplateException(template.toString(), 0, null, "file not found");
        } catch (IOException e) {
            throw new TemplateException(template.toString(), 0, null, "cannot read: " + e.getMessage());
        }
        return parse(template, new StringReader(text), parameterOverrides, endpoints);
    }

    /** Loads template text; {@code template} names it in errors and is the base for DefinitionUri paths. */
    public static LocalTemplate parse(Path template, Reader text, Map<String, String> parameterOverrides, LocalEndpoints endpoints) {
        return new LocalTemplate(new Loader(template, text, parameterOverrides == null ? Map.of() : parameterOverrides, endpoints));
    }

    public Path path() {
        return path;
    }

    public LocalEndpoints endpoints() {
        return endpoints;
    }

    /** Effective parameter values (defaults + overrides), lists joined with commas. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** Queues by logical id, in template order. */
    public Map<String, QueueDef> queues() {
        return queues;
    }

    public Map<String, FunctionDef> functions() {
        return functions;
    }

    public Map<String, TopicDef> topics() {
        return topics;
    }

    /** AWS::Scheduler::Schedule resources and ScheduleV2 function events. */
    public List<ScheduleDef> schedules() {
        return schedules;
    }

    public Map<String, StateMachineDef> stateMachines() {
        return stateMachines;
    }

    public List<AlarmDef> alarms() {
        return alarms;
    }

    /** Every resource whose Condition holds (emulated or not), by logical id, properties resolved. */
    public Map<String, ResourceDef> resources() {
        return resources;
    }

    /** Resources the runtime does not emulate (IAM roles, dashboards, log groups…): listed, not an error. */
    public List<ResourceDef> notEmulated() {
        return notEmulated;
    }

    /**
     * The stack's Outputs as the local runtime resolves them (queue URLs, local ARNs), by key in template order.
     * An output whose Condition is false is not there, as in CloudFormation; nor is one whose Value cannot be
     * resolved locally (Fn::ImportValue, say): outputs are read by commands, not needed to start the runtime.
     */
    public Map<String, String> outputs() {
        return outputs;
    }

    /** A queue by logical id, name, URL or ARN. */
    public Optional<QueueDef> queue(String idNameUrlOrArn) {
        for (QueueDef q : queues.values()) {
            if (q.logicalId().equals(idNameUrlOrArn) || q.name().equals(idNameUrlOrArn) || q.url().equals(idNameUrlOrArn)
                    || q.arn().equals(idNameUrlOrArn)) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    /** A function by logical id, name or ARN (also an ARN with a :qualifier). */
    public Optional<FunctionDef> function(String idNameOrArn) {
        for (FunctionDef f : functions.values()) {
            if (f.logicalId().equals(idNameOrArn) || f.name().equals(idNameOrArn) || f.arn().equals(idNameOrArn)
                    || idNameOrArn.startsWith(f.arn() + ":")) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The queues used as some queue's dead-letter queue. */
    public Set<String> deadLetterQueues() {
        Set<String> dlqs = new HashSet<>();
        queues.values().forEach(q -> {
            if (q.redrive() != null) {
                dlqs.add(q.redrive().deadLetterQueue());
            }
        });
        return dlqs;
    }

    // ------------------------------------------------------------------------------------------------------------

    /** One loading pass; the resolved pieces end up in the immutable LocalTemplate. */
    private static final class Loader implements Intrinsics.Names {
        final Path path;
        final String file;
        final LocalEndpoints endpoints;
        final Intrinsics intrinsics;
        final Map<String, Object> paramValues = new LinkedHashMap<>();
        final Map<String, YNode> conditionNodes = new LinkedHashMap<>();
        final Map<String, Boolean> conditionValues = new HashMap<>();
        final Set<String> conditionsInProgress = new HashSet<>();
        final Map<String, Object> mappings;
        final Map<String, YMap> resourceNodes = new LinkedHashMap<>();
        final Map<String, String> types = new LinkedHashMap<>();
        /** SAM's implicitly generated resources (FunctionRole, FunctionAlias…) which may be Ref'd. */
        final Map<String, String> implicit = new HashMap<>();
        final Map<String, String> physicalNames = new HashMap<>();
        final Set<String> namesInProgress = new HashSet<>();
        final Map<String, Map<String, Object>> resolvedProps = new HashMap<>();
        final Set<String> propsInProgress = new HashSet<>();
        YMap globalsFunction;
        YMap globalsStateMachine;

        final Map<String, QueueDef> queueDefs = new LinkedHashMap<>();
        final Map<String, FunctionDef> functionDefs = new LinkedHashMap<>();
        final Map<String, TopicDef> topicDefs = new LinkedHashMap<>();
        final List<ScheduleDef> scheduleDefs = new ArrayList<>();
        final Map<String, StateMachineDef> stateMachineDefs = new LinkedHashMap<>();
        final List<AlarmDef> alarmDefs = new ArrayList<>();
        final Map<String, ResourceDef> resourceDefs = new LinkedHashMap<>();
        final List<ResourceDef> notEmulatedDefs = new ArrayList<>();
        final Map<String, String> outputValues = new LinkedHashMap<>();

        Loader(Path path, Reader text, Map<String, String> overrides, LocalEndpoints endpoints) {
            this.path = path;
            this.file = path.toString();
            this.endpoints = endpoints;
            this.intrinsics = new Intrinsics(file, this);
            YNode root = new YamlTemplateParser(file).parse(text);
            if (!(root instanceof YMap top)) {
                throw new TemplateException(file, root.line(), null, "a template must be a map with a Resources section");
            }
            checkTransform(top);
            readParameters(top.get("Parameters"), overrides);
            mappings = top.get("Mappings") == null ? Map.of() : asMap(intrinsics.resolve(top.get("Mappings"), "Mappings"));
            if (top.get("Conditions") instanceof YMap c) {
                conditionNodes.putAll(c.entries());
            }
            readGlobals(top.get("Globals"));
            if (!(top.get("Resources") instanceof YMap res) || res.entries().isEmpty()) {
                throw new TemplateException(file, top.line(), null, "the template has no Resources");
            }
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
                resourceNodes.put(id, r);
                types.put(id, type);
                if (type.equals("AWS::Serverless::Function")) {
                    implicit.put(id + "Role", "AWS::IAM::Role");
                    if (r.get("Properties") instanceof YMap p && p.get("AutoPublishAlias") instanceof YScalar alias) {
                        implicit.put(id + "Alias" + alias.value(), "AWS::Lambda::Alias");
                    }
                }
                if (type.equals("AWS::Serverless::StateMachine")) {
                    implicit.put(id + "Role", "AWS::IAM::Role");
                }
            }
            build();
            readOutputs(top.get("Outputs"));
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
                    // left out (see outputs()): a command that asks for it says which outputs there are
                }
            }
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

        // ---------------------------------------------------------------------------------------- parameters

        private void readParameters(YNode node, Map<String, String> overrides) {
            Map<String, YNode> declared = node instanceof YMap m ? m.entries() : Map.of();
            for (String key : overrides.keySet()) {
                if (!declared.containsKey(key)) {
                    throw new TemplateException(file, node == null ? 0 : node.line(), "parameter " + key,
                            "--param " + key + " is not a parameter of the template (known: " + String.join(", ", declared.keySet()) + ")");
                }
            }
            for (Map.Entry<String, YNode> e : declared.entrySet()) {
                String name = e.getKey();
                String scope = "parameter " + name;
                Map<String, Object> spec = e.getValue() instanceof YMap ? asMap(intrinsics.resolve(e.getValue(), scope)) : Map.of();
                String type = String.valueOf(spec.getOrDefault("Type", "String"));
                String value = overrides.get(name);
                if (value == null && spec.containsKey("Default")) {
                    value = intrinsics.string(spec.get("Default"), e.getValue().line(), scope, "Default");
                }
                if (value == null) {
                    if (type.startsWith("AWS::SSM::Parameter::Value")) {
                        throw new TemplateException(file, e.getValue().line(), scope,
                                "SSM parameter types are not resolved locally; pass --param " + name + "=VALUE");
                    }
                    throw new TemplateException(file, e.getValue().line(), scope, "has no Default; pass --param " + name + "=VALUE");
                }
                if (spec.get("AllowedValues") instanceof List<?> allowed && !allowed.isEmpty()) {
                    List<String> allowedStrings = allowed.stream().map(String::valueOf).toList();
                    if (!allowedStrings.contains(value)) {
                        int line = ((YMap) e.getValue()).get("AllowedValues").line();
                        throw new TemplateException(file, line, scope, "value '" + value + "' is not one of AllowedValues " + allowedStrings);
                    }
                }
                if (spec.get("AllowedPattern") instanceof String pattern && !Pattern.matches(pattern, value)) {
                    throw new TemplateException(file, e.getValue().line(), scope, "value '" + value + "' does not match AllowedPattern " + pattern);
                }
                if (type.equals("Number")) {
                    try {
                        Double.parseDouble(value);
                    } catch (NumberFormatException ex) {
                        throw new TemplateException(file, e.getValue().line(), scope, "Type Number, got '" + value + "'");
                    }
                }
                if (type.equals("CommaDelimitedList") || type.startsWith("List<")) {
                    List<Object> items = new ArrayList<>();
                    for (String s : value.split(",", -1)) {
                        items.add(s.trim());
                    }
                    paramValues.put(name, items);
                } else {
                    paramValues.put(name, value);
                }
            }
        }

        Map<String, String> parameterStrings() {
            Map<String, String> out = new LinkedHashMap<>();
            paramValues.forEach((k, v) -> out.put(k, v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v)));
            return out;
        }

        // ---------------------------------------------------------------------------------------- globals

        private void readGlobals(YNode node) {
            if (node == null) {
                return;
            }
            if (!(node instanceof YMap g)) {
                throw new TemplateException(file, node.line(), "Globals", "Globals must be a map");
            }
            for (Map.Entry<String, YNode> e : g.entries().entrySet()) {
                switch (e.getKey()) {
                    case "Function" -> globalsFunction = (YMap) e.getValue();
                    case "StateMachine" -> globalsStateMachine = (YMap) e.getValue();
                    case "Api", "HttpApi", "SimpleTable", "LayerVersion" -> {
                        // those resource types are not emulated; their globals do not matter locally
                    }
                    default -> throw new TemplateException(file, e.getValue().line(), "Globals", "unknown Globals section " + e.getKey());
                }
            }
        }

        /**
         * SAM's Globals rules (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html):
         * maps are merged (the resource wins key by key, recursively: Environment.Variables merge), lists are
         * appended (globals first), anything else is overridden by the resource.
         */
        static YNode mergeGlobals(YNode global, YNode local) {
            if (local == null) {
                return global;
            }
            if (global instanceof YMap g && local instanceof YMap l && !isIntrinsic(g) && !isIntrinsic(l)) {
                Map<String, YNode> merged = new LinkedHashMap<>(g.entries());
                for (Map.Entry<String, YNode> e : l.entries().entrySet()) {
                    merged.put(e.getKey(), mergeGlobals(merged.get(e.getKey()), e.getValue()));
                }
                return new YMap(merged, l.line());
            }
            if (global instanceof YList g && local instanceof YList l) {
                List<YNode> items = new ArrayList<>(g.items());
                items.addAll(l.items());
                return new YList(items, l.line());
            }
            return local;
        }

        private static boolean isIntrinsic(YMap m) {
            if (m.entries().size() != 1) {
                return false;
            }
            String k = m.entries().keySet().iterator().next();
            return k.equals("Ref") || k.startsWith("Fn::");
        }

        // ---------------------------------------------------------------------------------------- names

        @Override
        public String region() {
            return endpoints.region();
        }

        @Override
        public Object ref(String name, int line, String scope) {
            switch (name) {
                case "AWS::Region":
                    return endpoints.region();
                case "AWS::AccountId":
                    return endpoints.accountId();
                case "AWS::StackName":
                    return STACK_NAME;
                case "AWS::StackId":
                    return endpoints.arn("cloudformation", "stack/" + STACK_NAME + "/00000000-0000-0000-0000-000000000000");
                case "AWS::Partition":
                    return "aws";
                case "AWS::URLSuffix":
                    return "amazonaws.com";
                case "AWS::NoValue":
                    return Intrinsics.NO_VALUE;
                case "AWS::NotificationARNs":
                    return new ArrayList<>();
                default:
                    break;
            }
            if (paramValues.containsKey(name)) {
                return paramValues.get(name);
            }
            String type = typeOf(name);
            if (type == null) {
                return null;
            }
            String physical = physicalName(name);
            return switch (type) {
                case "AWS::SQS::Queue" -> endpoints.queueUrl(physical);
                case "AWS::SNS::Topic", "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine",
                     "AWS::SecretsManager::Secret", "AWS::SNS::Subscription", "AWS::Lambda::Alias" -> arn(name);
                default -> physical;
            };
        }

        @Override
        public Object getAtt(String id, String attribute, int line, String scope) {
            String type = typeOf(id);
            if (type == null) {
                return null;
            }
            String physical = physicalName(id);
            switch (attribute) {
                case "Arn":
                case "TopicArn":
                    return arn(id);
                case "QueueName":
                case "TopicName":
                case "Name":
                case "StateMachineName":
                    return physical;
                case "QueueUrl":
                    if (QUEUE.contains(type)) {
                        return endpoints.queueUrl(physical);
                    }
                    break;
                default:
                    break;
            }
            if (EMULATED.contains(type)) {
                throw intrinsics.error(line, scope, "Fn::GetAtt " + id + "." + attribute + " is not supported locally for " + type);
            }
            return "local-" + id + "-" + attribute;   // a placeholder: the resource is not emulated
        }

        @Override
        public boolean condition(String name, int line, String scope) {
            Boolean known = conditionValues.get(name);
            if (known != null) {
                return known;
            }
            YNode node = conditionNodes.get(name);
            if (node == null) {
                throw intrinsics.error(line, scope, "unknown condition '" + name + "'");
            }
            if (!conditionsInProgress.add(name)) {
                throw intrinsics.error(node.line(), "condition " + name, "condition refers to itself");
            }
            boolean value = intrinsics.evaluateCondition(node, "condition " + name);
            conditionsInProgress.remove(name);
            conditionValues.put(name, value);
            return value;
        }

        @Override
        public Object findInMap(String map, String top, String second) {
            if (mappings.get(map) instanceof Map<?, ?> m && m.get(top) instanceof Map<?, ?> t) {
                return t.get(second);
            }
            return null;
        }

        private String typeOf(String id) {
            String t = types.get(id);
            return t != null ? t : implicit.get(id);
        }

        /** The resource's name: its name property if set, else a generated one (CloudFormation adds a suffix; we don't). */
        String physicalName(String id) {
            String known = physicalNames.get(id);
            if (known != null) {
                return known;
            }
            String type = typeOf(id);
            YMap node = resourceNodes.get(id);
            String nameProperty = switch (type) {
                case "AWS::SQS::Queue" -> "QueueName";
                case "AWS::SNS::Topic" -> "TopicName";
                case "AWS::Serverless::Function", "AWS::Lambda::Function" -> "FunctionName";
                case "AWS::Serverless::StateMachine" -> "Name";
                case "AWS::StepFunctions::StateMachine" -> "StateMachineName";
                case "AWS::CloudWatch::Alarm" -> "AlarmName";
                case "AWS::IAM::Role" -> "RoleName";
                default -> "Name";
            };
            String name = null;
            if (node != null && node.get("Properties") instanceof YMap props && props.get(nameProperty) != null) {
                if (!namesInProgress.add(id)) {
                    throw intrinsics.error(props.get(nameProperty).line(), "resource " + id, nameProperty + " refers to itself");
                }
                Object v = intrinsics.resolve(props.get(nameProperty), "resource " + id);
                namesInProgress.remove(id);
                if (v != Intrinsics.NO_VALUE && v != null) {
                    name = intrinsics.string(v, props.get(nameProperty).line(), "resource " + id, nameProperty);
                }
            }
            if (name == null) {
                name = id;
                if (type.equals("AWS::SQS::Queue") && node != null && node.get("Properties") instanceof YMap props
                        && props.get("FifoQueue") instanceof YScalar f && Boolean.TRUE.equals(bool(f.value()))) {
                    name = id + ".fifo";   // CloudFormation appends .fifo to generated FIFO queue names
                }
            }
            physicalNames.put(id, name);
            return name;
        }

        private String arn(String id) {
            String type = typeOf(id);
            String name = physicalName(id);
            return switch (type) {
                case "AWS::SQS::Queue" -> endpoints.arn("sqs", name);
                case "AWS::SNS::Topic" -> endpoints.arn("sns", name);
                case "AWS::Serverless::Function", "AWS::Lambda::Function" -> endpoints.arn("lambda", "function:" + name);
                case "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine" -> endpoints.arn("states", "stateMachine:" + name);
                case "AWS::Scheduler::Schedule" -> endpoints.arn("scheduler", "schedule/default/" + name);
                case "AWS::Scheduler::ScheduleGroup" -> endpoints.arn("scheduler", "schedule-group/" + name);
                case "AWS::CloudWatch::Alarm" -> endpoints.arn("cloudwatch", "alarm:" + name);
                case "AWS::IAM::Role" -> "arn:aws:iam::" + endpoints.accountId() + ":role/" + name;
                case "AWS::SecretsManager::Secret" -> endpoints.arn("secretsmanager", "secret:" + name + "-local");
                case "AWS::Events::EventBus" -> endpoints.arn("events", "event-bus/" + name);
                case "AWS::Events::Rule" -> endpoints.arn("events", "rule/" + name);
                case "AWS::Logs::LogGroup" -> endpoints.arn("logs", "log-group:" + name + ":*");
                case "AWS::Lambda::Alias" -> endpoints.arn("lambda", "function:" + id);
                default -> endpoints.arn(serviceOf(type), id);
            };
        }

        private static String serviceOf(String type) {
            String[] parts = type.split("::");
            return parts.length > 1 ? parts[1].toLowerCase() : "local";
        }

        // ---------------------------------------------------------------------------------------- resources

        private Map<String, Object> properties(String id) {
            Map<String, Object> known = resolvedProps.get(id);
            if (known != null) {
                return known;
            }
            if (!propsInProgress.add(id)) {
                throw new TemplateException(file, resourceNodes.get(id).line(), "resource " + id, "circular reference");
            }
            YMap node = resourceNodes.get(id);
            YNode props = node.get("Properties");
            String type = types.get(id);
            if (type.equals("AWS::Serverless::Function") && globalsFunction != null) {
                props = mergeGlobals(globalsFunction, props == null ? new YMap(Map.of(), node.line()) : props);
            }
            if (type.equals("AWS::Serverless::StateMachine") && globalsStateMachine != null) {
                props = mergeGlobals(globalsStateMachine, props == null ? new YMap(Map.of(), node.line()) : props);
            }
            Map<String, Object> resolved = props == null ? new LinkedHashMap<>() : asMap(intrinsics.resolve(props, "resource " + id));
            propsInProgress.remove(id);
            resolvedProps.put(id, resolved);
            return resolved;
        }

        private int propLine(String id, String... keys) {
            YNode n = resourceNodes.get(id).get("Properties");
            for (String key : keys) {
                if (n instanceof YMap m && m.get(key) != null) {
                    n = m.get(key);
                } else {
                    break;
                }
            }
            return n == null ? resourceNodes.get(id).line() : n.line();
        }

        private void build() {
            for (String id : resourceNodes.keySet()) {
                String type = types.get(id);
                int line = resourceNodes.get(id).line();
                if (EMULATED.contains(type)) {
                    resourceDefs.put(id, new ResourceDef(id, type, properties(id), line, null));
                } else {
                    ResourceDef def;
                    try {
                        def = new ResourceDef(id, type, properties(id), line, null);
                    } catch (TemplateException e) {
                        propsInProgress.remove(id);
                        def = new ResourceDef(id, type, null, line, e.getMessage() + " (ignored: not emulated)");
                    }
                    resourceDefs.put(id, def);
                    notEmulatedDefs.add(def);
                }
            }
            resourceNodes.keySet().stream().filter(id -> QUEUE.contains(types.get(id))).forEach(this::buildQueue);
            resourceNodes.keySet().stream().filter(id -> TOPIC.contains(types.get(id))).forEach(this::buildTopic);
            resourceNodes.keySet().stream().filter(id -> types.get(id).equals("AWS::SNS::Subscription")).forEach(this::addSubscription);
            resourceNodes.keySet().stream().filter(id -> FUNCTION.contains(types.get(id))).forEach(this::buildFunction);
            resourceNodes.keySet().stream().filter(id -> types.get(id).equals("AWS::Lambda::EventSourceMapping")).forEach(this::addMapping);
            resourceNodes.keySet().stream().filter(id -> types.get(id).equals("AWS::Scheduler::Schedule")).forEach(this::buildSchedule);
            resourceNodes.keySet().stream().filter(id -> STATE_MACHINE.contains(types.get(id))).forEach(this::buildStateMachine);
            resourceNodes.keySet().stream().filter(id -> types.get(id).equals("AWS::CloudWatch::Alarm")).forEach(this::buildAlarm);
        }

        private void buildQueue(String id) {
            Map<String, Object> p = properties(id);
            String name = physicalName(id);
            boolean fifo = bool(p.get("FifoQueue"), id, "FifoQueue", false);
            if (fifo != name.endsWith(".fifo")) {
                throw err(id, "QueueName", fifo ? "a FIFO queue's name must end with .fifo" : "only a FIFO queue's name may end with .fifo");
            }
            QueueDef.Redrive redrive = null;
            Object rp = p.get("RedrivePolicy");
            if (rp instanceof String s) {
                try {
                    rp = JSON.readValue(s, Map.class);
                } catch (JsonProcessingException e) {
                    throw err(id, "RedrivePolicy", "RedrivePolicy is not valid JSON");
                }
            }
            if (rp instanceof Map<?, ?> m) {
                Object target = m.get("deadLetterTargetArn");
                String dlq = target == null ? null : queueByArn(String.valueOf(target));
                if (dlq == null) {
                    throw err(id, "RedrivePolicy", "RedrivePolicy.deadLetterTargetArn " + target + " is not a queue of this template");
                }
                redrive = new QueueDef.Redrive(dlq, integer(m.get("maxReceiveCount"), id, "RedrivePolicy.maxReceiveCount", 10));
            } else if (rp != null) {
                throw err(id, "RedrivePolicy", "RedrivePolicy must be a map");
            }
            queueDefs.put(id, new QueueDef(id, name, endpoints.queueUrl(name), endpoints.arn("sqs", name), fifo,
                    bool(p.get("ContentBasedDeduplication"), id, "ContentBasedDeduplication", false),
                    integer(p.get("VisibilityTimeout"), id, "VisibilityTimeout", 30),
                    integer(p.get("DelaySeconds"), id, "DelaySeconds", 0),
                    integer(p.get("MessageRetentionPeriod"), id, "MessageRetentionPeriod", 345_600),
                    integer(p.get("MaximumMessageSize"), id, "MaximumMessageSize", 262_144),
                    integer(p.get("ReceiveMessageWaitTimeSeconds"), id, "ReceiveMessageWaitTimeSeconds", 0),
                    redrive, resourceNodes.get(id).line()));
        }

        private String queueByArn(String arn) {
            for (String id : types.keySet()) {
                if (QUEUE.contains(types.get(id)) && arn(id).equals(arn)) {
                    return id;
                }
            }
            return null;
        }

        private String functionByArnOrName(String ref) {
            for (String id : types.keySet()) {
                if (FUNCTION.contains(types.get(id))) {
                    String arn = arn(id);
                    if (arn.equals(ref) || ref.startsWith(arn + ":") || physicalName(id).equals(ref)) {
                        return id;
                    }
                }
            }
            return null;
        }

        private void buildTopic(String id) {
            Map<String, Object> p = properties(id);
            List<TopicDef.Subscription> subs = new ArrayList<>();
            if (p.get("Subscription") instanceof List<?> l) {
                for (Object o : l) {
                    Map<String, Object> s = asMap(o);
                    subs.add(new TopicDef.Subscription(str(s.get("Protocol")), str(s.get("Endpoint")), false));
                }
            }
            topicDefs.put(id, new TopicDef(id, physicalName(id), arn(id), bool(p.get("FifoTopic"), id, "FifoTopic", false), subs,
                    resourceNodes.get(id).line()));
        }

        private void addSubscription(String id) {
            Map<String, Object> p = properties(id);
            String topicArn = str(p.get("TopicArn"));
            TopicDef topic = topicDefs.values().stream().filter(t -> t.arn().equals(topicArn)).findFirst()
                    .orElseThrow(() -> err(id, "TopicArn", "TopicArn " + topicArn + " is not a topic of this template"));
            List<TopicDef.Subscription> subs = new ArrayList<>(topic.subscriptions());
            subs.add(new TopicDef.Subscription(str(p.get("Protocol")), str(p.get("Endpoint")),
                    bool(p.get("RawMessageDelivery"), id, "RawMessageDelivery", false)));
            topicDefs.put(topic.logicalId(), new TopicDef(topic.logicalId(), topic.name(), topic.arn(), topic.fifo(), subs, topic.line()));
        }

        private void buildFunction(String id) {
            Map<String, Object> p = properties(id);
            String handler = str(p.get("Handler"));
            if (handler == null || handler.isBlank()) {
                throw err(id, "Handler", "a function needs a Handler (class::method)");
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
                        throw err(id, "Environment", "environment variable " + v.getKey() + " must be a string, got " + v.getValue());
                    }
                    env.put(String.valueOf(v.getKey()), v.getValue() == null ? "" : intrinsics.string(v.getValue(),
                            propLine(id, "Environment", "Variables", String.valueOf(v.getKey())), "resource " + id, "Environment"));
                }
            }
            List<SqsEventSource> sources = new ArrayList<>();
            if (p.get("Events") instanceof Map<?, ?> events) {
                for (Map.Entry<?, ?> ev : events.entrySet()) {
                    String evName = String.valueOf(ev.getKey());
                    Map<String, Object> e = asMap(ev.getValue());
                    Map<String, Object> ep = e.get("Properties") == null ? Map.of() : asMap(e.get("Properties"));
                    String evType = str(e.get("Type"));
                    if ("SQS".equals(evType)) {
                        sources.add(sqsSource(id, evName, ep));
                    } else if ("ScheduleV2".equals(evType) || "Schedule".equals(evType)) {
                        String state = ep.containsKey("State") ? str(ep.get("State"))
                                : (ep.containsKey("Enabled") && !bool(ep.get("Enabled"), id, "Enabled", true) ? "DISABLED" : "ENABLED");
                        String schedName = ep.containsKey("Name") ? str(ep.get("Name")) : id + evName;
                        scheduleDefs.add(new ScheduleDef(id + evName, schedName, ep.containsKey("GroupName") ? str(ep.get("GroupName")) : "default",
                                str(ep.get("ScheduleExpression") != null ? ep.get("ScheduleExpression") : ep.get("Schedule")),
                                ep.containsKey("ScheduleExpressionTimezone") ? str(ep.get("ScheduleExpressionTimezone")) : "UTC",
                                id, arn(id), ep.get("Input") == null ? null : inputString(ep.get("Input")),
                                !"DISABLED".equalsIgnoreCase(state),
                                retryPolicy(id, ep, "Events." + evName, "Events", evName, "Properties"),
                                scheduleDeadLetterQueue(id, ep, "Events." + evName, "Events", evName, "Properties"),
                                propLine(id, "Events", evName)));
                    }
                }
            }
            functionDefs.put(id, new FunctionDef(id, physicalName(id), arn(id), cls, method, str(p.getOrDefault("Runtime", "java21")),
                    integer(p.get("Timeout"), id, "Timeout", 3), integer(p.get("MemorySize"), id, "MemorySize", 128),
                    Collections.unmodifiableMap(env), sources, resourceNodes.get(id).line()));
        }

        private SqsEventSource sqsSource(String id, String name, Map<String, Object> ep) {
            String queueArn = str(ep.containsKey("Queue") ? ep.get("Queue") : ep.get("EventSourceArn"));
            String queue = queueArn == null ? null : queueByArn(queueArn);
            if (queue == null) {
                throw err(id, "Events", "SQS event " + name + ": Queue " + queueArn + " is not a queue of this template (use !GetAtt Queue.Arn)");
            }
            Integer maxConcurrency = null;
            if (ep.get("ScalingConfig") instanceof Map<?, ?> sc && sc.get("MaximumConcurrency") != null) {
                maxConcurrency = integer(sc.get("MaximumConcurrency"), id, "ScalingConfig.MaximumConcurrency", 2);
                if (maxConcurrency < 2 || maxConcurrency > 1000) {
                    throw err(id, "Events", "SQS event " + name + ": ScalingConfig.MaximumConcurrency must be 2..1000");
                }
            }
            checkProvisionedMode(id, name, ep.get("ProvisionedPollerConfig"), maxConcurrency);
            boolean report = ep.get("FunctionResponseTypes") instanceof List<?> l && l.contains("ReportBatchItemFailures");
            int batchSize = integer(ep.get("BatchSize"), id, "BatchSize", 10);
            int window = integer(ep.get("MaximumBatchingWindowInSeconds"), id, "MaximumBatchingWindowInSeconds", 0);
            boolean fifo = queueDefs.get(queue).fifo();
            // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html: 1..10 for FIFO, 1..10000 standard,
            // and more than 10 needs a batching window of at least 1 s.
            if (batchSize < 1 || batchSize > (fifo ? 10 : 10_000)) {
                throw err(id, "Events", "SQS event " + name + ": BatchSize must be 1.." + (fifo ? 10 : 10_000));
            }
            if (window < 0 || window > 300) {
                throw err(id, "Events", "SQS event " + name + ": MaximumBatchingWindowInSeconds must be 0..300");
            }
            if (batchSize > 10 && window < 1) {
                throw err(id, "Events", "SQS event " + name + ": a BatchSize over 10 needs MaximumBatchingWindowInSeconds >= 1");
            }
            return new SqsEventSource(name, queue, batchSize, window, maxConcurrency, report,
                    bool(ep.get("Enabled"), id, "Enabled", true), ep.get("FilterCriteria") == null ? null : asMap(ep.get("FilterCriteria")));
        }

        /**
         * Provisioned mode (ProvisionedPollerConfig) is checked as Lambda checks it and then run as standard mode: the
         * local poller has no event pollers to provision, and MaximumPollers only bounds how far AWS scales
         * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
         */
        private void checkProvisionedMode(String id, String name, Object config, Integer maxConcurrency) {
            if (config == null) {
                return;
            }
            if (!(config instanceof Map<?, ?> pp)) {
                throw err(id, "Events", "SQS event " + name + ": ProvisionedPollerConfig must be a map");
            }
            if (maxConcurrency != null) {
                throw err(id, "Events", "SQS event " + name + ": ScalingConfig.MaximumConcurrency and ProvisionedPollerConfig are "
                        + "exclusive (standard or provisioned mode)");
            }
            int min = integer(pp.get("MinimumPollers"), id, "ProvisionedPollerConfig.MinimumPollers", 2);
            int max = integer(pp.get("MaximumPollers"), id, "ProvisionedPollerConfig.MaximumPollers", 200);
            if (min < 2 || min > 200 || max < 2 || max > 2000 || min > max) {
                throw err(id, "Events", "SQS event " + name + ": ProvisionedPollerConfig needs 2 <= MinimumPollers <= 200, "
                        + "MaximumPollers 2..2000 and MinimumPollers <= MaximumPollers, got " + min + " and " + max);
            }
        }

        private void addMapping(String id) {
            Map<String, Object> p = properties(id);
            String fn = functionByArnOrName(str(p.get("FunctionName")));
            if (fn == null) {
                throw err(id, "FunctionName", "FunctionName " + p.get("FunctionName") + " is not a function of this template");
            }
            String source = str(p.get("EventSourceArn"));
            if (source == null || !source.startsWith("arn:aws:sqs:")) {
                return;   // only SQS mappings are emulated
            }
            FunctionDef f = functionDefs.get(fn);
            List<SqsEventSource> sources = new ArrayList<>(f.sqsEventSources());
            sources.add(sqsSource(id, id, p));
            functionDefs.put(fn, new FunctionDef(f.logicalId(), f.name(), f.arn(), f.handlerClass(), f.handlerMethod(), f.runtime(),
                    f.timeoutSeconds(), f.memorySizeMb(), f.environment(), List.copyOf(sources), f.line()));
        }

        private void buildSchedule(String id) {
            Map<String, Object> p = properties(id);
            Map<String, Object> target = p.get("Target") == null ? Map.of() : asMap(p.get("Target"));
            String targetArn = str(target.get("Arn"));
            if (targetArn == null) {
                throw err(id, "Target", "a schedule needs Target.Arn");
            }
            if (p.get("ScheduleExpression") == null) {
                throw err(id, "ScheduleExpression", "a schedule needs a ScheduleExpression");
            }
            scheduleDefs.add(new ScheduleDef(id, physicalName(id), p.containsKey("GroupName") ? str(p.get("GroupName")) : "default",
                    str(p.get("ScheduleExpression")), p.containsKey("ScheduleExpressionTimezone") ? str(p.get("ScheduleExpressionTimezone")) : "UTC",
                    functionByArnOrName(targetArn), targetArn, target.get("Input") == null ? null : inputString(target.get("Input")),
                    !"DISABLED".equalsIgnoreCase(String.valueOf(p.getOrDefault("State", "ENABLED"))),
                    retryPolicy(id, target, "Target", "Target"), scheduleDeadLetterQueue(id, target, "Target", "Target"),
                    resourceNodes.get(id).line()));
        }

        /**
         * RetryPolicy of a schedule target ({@code holder} is the map that has it: Target, or a ScheduleV2 event's
         * Properties), with Scheduler's defaults and ranges
         * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html).
         */
        private ScheduleDef.RetryPolicy retryPolicy(String id, Map<String, Object> holder, String name, String... at) {
            if (holder.get("RetryPolicy") == null) {
                return ScheduleDef.RetryPolicy.DEFAULT;
            }
            Map<String, Object> rp = asMap(holder.get("RetryPolicy"));
            int retries = integer(rp.get("MaximumRetryAttempts"), id, name + ".RetryPolicy.MaximumRetryAttempts",
                    ScheduleDef.RetryPolicy.MAX_RETRY_ATTEMPTS);
            if (retries < 0 || retries > ScheduleDef.RetryPolicy.MAX_RETRY_ATTEMPTS) {
                throw new TemplateException(file, propLine(id, path(at, "RetryPolicy", "MaximumRetryAttempts")), "resource " + id,
                        name + ".RetryPolicy.MaximumRetryAttempts must be 0.." + ScheduleDef.RetryPolicy.MAX_RETRY_ATTEMPTS + ", got " + retries);
            }
            int age = integer(rp.get("MaximumEventAgeInSeconds"), id, name + ".RetryPolicy.MaximumEventAgeInSeconds",
                    ScheduleDef.RetryPolicy.MAX_EVENT_AGE_SECONDS);
            if (age < ScheduleDef.RetryPolicy.MIN_EVENT_AGE_SECONDS || age > ScheduleDef.RetryPolicy.MAX_EVENT_AGE_SECONDS) {
                throw new TemplateException(file, propLine(id, path(at, "RetryPolicy", "MaximumEventAgeInSeconds")), "resource " + id,
                        name + ".RetryPolicy.MaximumEventAgeInSeconds must be " + ScheduleDef.RetryPolicy.MIN_EVENT_AGE_SECONDS + ".."
                                + ScheduleDef.RetryPolicy.MAX_EVENT_AGE_SECONDS + ", got " + age);
            }
            return new ScheduleDef.RetryPolicy(retries, age);
        }

        /**
         * The template queue a schedule target's DeadLetterConfig.Arn names, or null without one. SAM's ScheduleV2
         * {@code DeadLetterConfig: {Type: SQS}} (a queue SAM generates) has no Arn and is not a queue of this template:
         * null too, so failures are logged and dropped locally.
         */
        private String scheduleDeadLetterQueue(String id, Map<String, Object> holder, String name, String... at) {
            if (holder.get("DeadLetterConfig") == null) {
                return null;
            }
            Object arn = asMap(holder.get("DeadLetterConfig")).get("Arn");
            if (arn == null) {
                return null;
            }
            String queue = queueByArn(str(arn));
            if (queue == null) {
                throw new TemplateException(file, propLine(id, path(at, "DeadLetterConfig", "Arn")), "resource " + id,
                        name + ".DeadLetterConfig.Arn " + arn + " is not a queue of this template (use !GetAtt Queue.Arn)");
            }
            return queue;
        }

        private static String[] path(String[] at, String... more) {
            String[] all = java.util.Arrays.copyOf(at, at.length + more.length);
            System.arraycopy(more, 0, all, at.length, more.length);
            return all;
        }

        private void buildStateMachine(String id) {
            Map<String, Object> p = properties(id);
            Map<String, String> subs = new TreeMap<>();
            if (p.get("DefinitionSubstitutions") instanceof Map<?, ?> m) {
                m.forEach((k, v) -> subs.put(String.valueOf(k), v instanceof String || v instanceof Number || v instanceof Boolean
                        ? intrinsics.string(v, propLine(id, "DefinitionSubstitutions"), "resource " + id, "DefinitionSubstitutions")
                        : toJson(v)));
            }
            Path definitionPath = null;
            String definition;
            Object uri = p.get("DefinitionUri");
            if (uri instanceof String s) {
                Path base = path.toAbsolutePath().getParent();
                definitionPath = base == null ? Path.of(s) : base.resolve(s).normalize();
                try {
                    definition = Files.readString(definitionPath, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw err(id, "DefinitionUri", "cannot read DefinitionUri " + s + " (" + definitionPath + ")");
                }
            } else if (uri != null) {
                throw err(id, "DefinitionUri", "DefinitionUri must be a local path (S3 locations are not supported locally)");
            } else if (p.get("Definition") != null) {
                definition = toJson(p.get("Definition"));
            } else if (p.get("DefinitionString") instanceof String s) {
                definition = s;
            } else {
                throw err(id, "Definition", "a state machine needs DefinitionUri, Definition or DefinitionString");
            }
            for (Map.Entry<String, String> e : subs.entrySet()) {
                definition = definition.replace("${" + e.getKey() + "}", e.getValue());
            }
            stateMachineDefs.put(id, new StateMachineDef(id, physicalName(id), arn(id), definitionPath, definition,
                    Collections.unmodifiableMap(subs), resourceNodes.get(id).line()));
        }

        private void buildAlarm(String id) {
            Map<String, Object> p = properties(id);
            Map<String, String> dims = new LinkedHashMap<>();
            if (p.get("Dimensions") instanceof List<?> l) {
                for (Object o : l) {
                    Map<String, Object> d = asMap(o);
                    dims.put(str(d.get("Name")), str(d.get("Value")));
                }
            }
            List<Map<String, Object>> metrics = new ArrayList<>();
            if (p.get("Metrics") instanceof List<?> l) {
                l.forEach(o -> metrics.add(asMap(o)));
            }
            int evaluationPeriods = integer(p.get("EvaluationPeriods"), id, "EvaluationPeriods", 1);
            String statistic = p.containsKey("Statistic") ? str(p.get("Statistic")) : str(p.get("ExtendedStatistic"));
            alarmDefs.add(new AlarmDef(id, physicalName(id), str(p.get("Namespace")), str(p.get("MetricName")), dims, statistic,
                    integer(p.get("Period"), id, "Period", 60), number(p.get("Threshold"), id, "Threshold"),
                    str(p.get("ComparisonOperator")), evaluationPeriods,
                    integer(p.get("DatapointsToAlarm"), id, "DatapointsToAlarm", evaluationPeriods),
                    p.containsKey("TreatMissingData") ? str(p.get("TreatMissingData")) : "missing",
                    strings(p.get("AlarmActions")), strings(p.get("OKActions")), metrics, resourceNodes.get(id).line()));
        }

        // ---------------------------------------------------------------------------------------- helpers

        private TemplateException err(String id, String property, String reason) {
            return new TemplateException(file, propLine(id, property), "resource " + id, reason);
        }

        private int integer(Object v, String id, String property, int dflt) {
            if (v == null) {
                return dflt;
            }
            if (v instanceof Number n) {
                return n.intValue();
            }
            try {
                return Integer.parseInt(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw err(id, property.contains(".") ? property.substring(0, property.indexOf('.')) : property,
                        property + " must be a whole number, got '" + v + "'");
            }
        }

        private double number(Object v, String id, String property) {
            if (v == null) {
                return 0;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw err(id, property, property + " must be a number, got '" + v + "'");
            }
        }

        private boolean bool(Object v, String id, String property, boolean dflt) {
            if (v == null) {
                return dflt;
            }
            Boolean b = bool(v);
            if (b == null) {
                throw err(id, property, property + " must be true or false, got '" + v + "'");
            }
            return b;
        }

        private static Boolean bool(Object v) {
            if (v instanceof Boolean b) {
                return b;
            }
            String s = String.valueOf(v);
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
            return null;
        }

        private static String str(Object v) {
            if (v == null) {
                return null;
            }
            if (v instanceof Double d && d == Math.rint(d)) {
                return String.valueOf(d.longValue());
            }
            return String.valueOf(v);
        }

        private static List<String> strings(Object v) {
            if (v instanceof List<?> l) {
                return l.stream().map(String::valueOf).toList();
            }
            return v == null ? List.of() : List.of(String.valueOf(v));
        }

        private static String inputString(Object v) {
            return v instanceof String s ? s : toJson(v);
        }

        private static String toJson(Object v) {
            try {
                return JSON.writeValueAsString(v);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> asMap(Object v) {
            if (v instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            throw new TemplateException(file, 0, null, "expected a map, got " + v);
        }
    }
}
