package dev.outrigger.local.template;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    private LocalTemplate(TemplateLoader l) {
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
        return new LocalTemplate(new TemplateLoader(template, text, parameterOverrides == null ? Map.of() : parameterOverrides, endpoints));
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
}
