package dev.outrigger.local.template;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the local runtime knows about one resource type, in one place: which reader builds it, the property that
 * names it, and what {@code Ref}, each {@code Fn::GetAtt} attribute and its ARN give. {@link #of} is the table;
 * a type it does not list gets {@link #notEmulated}'s answers.
 *
 * @param family       what the runtime emulates it as, or null when it is not emulated (listed, properties resolved)
 * @param nameProperty the property that sets its physical name; without it the logical id is the name
 * @param fifoProperty the property that, when true, makes a generated name end in {@code .fifo}, or null
 * @param ref          what {@code Ref} gives
 * @param attributes   what each {@code Fn::GetAtt} attribute gives; another attribute is an error for an emulated
 *                     type and a placeholder for the others
 * @param arn          its ARN from the endpoints, its physical name and its logical id
 * @param globals      the Globals section merged into its Properties, or null
 */
record ResourceKind(String type, Family family, String nameProperty, String fifoProperty, Value ref,
                    Map<String, Value> attributes, Arn arn, String globals) {

    /** The readers, and so what the runtime emulates. */
    enum Family { QUEUE, TOPIC, SUBSCRIPTION, FUNCTION, EVENT_SOURCE_MAPPING, SCHEDULE, SCHEDULE_GROUP, STATE_MACHINE, ALARM }

    /** What a Ref or an attribute resolves to. */
    enum Value { PHYSICAL_NAME, ARN, QUEUE_URL }

    @FunctionalInterface
    interface Arn {
        String of(LocalEndpoints endpoints, String name, String logicalId);
    }

    /**
     * The attributes every type answers. The runtime does not check which of them a type really has in AWS, so a
     * function's {@code TopicArn} is its ARN too; what matters locally is that the real ones resolve.
     */
    private static final Map<String, Value> COMMON_ATTRIBUTES = Map.of(
            "Arn", Value.ARN, "TopicArn", Value.ARN,
            "QueueName", Value.PHYSICAL_NAME, "TopicName", Value.PHYSICAL_NAME, "Name", Value.PHYSICAL_NAME,
            "StateMachineName", Value.PHYSICAL_NAME);

    private static final Map<String, ResourceKind> KINDS = new HashMap<>();

    static {
        Arn function = (e, name, id) -> e.arn("lambda", "function:" + name);
        Arn stateMachine = (e, name, id) -> e.arn("states", "stateMachine:" + name);
        add(new ResourceKind("AWS::SQS::Queue", Family.QUEUE, "QueueName", "FifoQueue", Value.QUEUE_URL,
                with(COMMON_ATTRIBUTES, "QueueUrl", Value.QUEUE_URL), (e, name, id) -> e.arn("sqs", name), null));
        add(kind("AWS::SNS::Topic", Family.TOPIC, "TopicName", Value.ARN, (e, name, id) -> e.arn("sns", name)));
        add(kind("AWS::SNS::Subscription", Family.SUBSCRIPTION, "Name", Value.ARN, null));
        add(kind("AWS::Serverless::Function", Family.FUNCTION, "FunctionName", Value.PHYSICAL_NAME, function).withGlobals("Function"));
        add(kind("AWS::Lambda::Function", Family.FUNCTION, "FunctionName", Value.PHYSICAL_NAME, function));
        add(kind("AWS::Lambda::EventSourceMapping", Family.EVENT_SOURCE_MAPPING, "Name", Value.PHYSICAL_NAME, null));
        add(kind("AWS::Serverless::StateMachine", Family.STATE_MACHINE, "Name", Value.ARN, stateMachine).withGlobals("StateMachine"));
        add(kind("AWS::StepFunctions::StateMachine", Family.STATE_MACHINE, "StateMachineName", Value.ARN, stateMachine));
        add(kind("AWS::Scheduler::Schedule", Family.SCHEDULE, "Name", Value.PHYSICAL_NAME,
                (e, name, id) -> e.arn("scheduler", "schedule/default/" + name)));
        add(kind("AWS::Scheduler::ScheduleGroup", Family.SCHEDULE_GROUP, "Name", Value.PHYSICAL_NAME,
                (e, name, id) -> e.arn("scheduler", "schedule-group/" + name)));
        add(kind("AWS::CloudWatch::Alarm", Family.ALARM, "AlarmName", Value.PHYSICAL_NAME,
                (e, name, id) -> e.arn("cloudwatch", "alarm:" + name)));
        // not emulated, but Ref'd and GetAtt'd by templates, so their ARNs look like the real ones
        add(kind("AWS::IAM::Role", null, "RoleName", Value.PHYSICAL_NAME,
                (e, name, id) -> "arn:aws:iam::" + e.accountId() + ":role/" + name));
        add(kind("AWS::SecretsManager::Secret", null, "Name", Value.ARN,
                (e, name, id) -> e.arn("secretsmanager", "secret:" + name + "-local")));
        add(kind("AWS::Events::EventBus", null, "Name", Value.PHYSICAL_NAME, (e, name, id) -> e.arn("events", "event-bus/" + name)));
        add(kind("AWS::Events::Rule", null, "Name", Value.PHYSICAL_NAME, (e, name, id) -> e.arn("events", "rule/" + name)));
        add(kind("AWS::Logs::LogGroup", null, "Name", Value.PHYSICAL_NAME, (e, name, id) -> e.arn("logs", "log-group:" + name + ":*")));
        add(kind("AWS::Lambda::Alias", null, "Name", Value.ARN, (e, name, id) -> e.arn("lambda", "function:" + id)));
    }

    /** The table's entry for a type, or a not-emulated kind for a type it does not list. */
    static ResourceKind of(String type) {
        ResourceKind known = KINDS.get(type);
        return known != null ? known : notEmulated(type);
    }

    /** Named by its Name property, Ref gives the name, and the ARN is {@code arn:aws:<service>:…:<logical id>}. */
    static ResourceKind notEmulated(String type) {
        return kind(type, null, "Name", Value.PHYSICAL_NAME, null);
    }

    boolean emulated() {
        return family != null;
    }

    boolean is(Family f) {
        return family == f;
    }

    private static ResourceKind kind(String type, Family family, String nameProperty, Value ref, Arn arn) {
        return new ResourceKind(type, family, nameProperty, null, ref, COMMON_ATTRIBUTES,
                arn != null ? arn : (e, name, id) -> e.arn(serviceOf(type), id), null);
    }

    private ResourceKind withGlobals(String section) {
        return new ResourceKind(type, family, nameProperty, fifoProperty, ref, attributes, arn, section);
    }

    private static void add(ResourceKind kind) {
        KINDS.put(kind.type(), kind);
    }

    private static Map<String, Value> with(Map<String, Value> base, String attribute, Value value) {
        Map<String, Value> all = new LinkedHashMap<>(base);
        all.put(attribute, value);
        return Map.copyOf(all);
    }

    /** AWS::SNS::Subscription → sns. */
    private static String serviceOf(String type) {
        String[] parts = type.split("::");
        return parts.length > 1 ? parts[1].toLowerCase() : "local";
    }
}
