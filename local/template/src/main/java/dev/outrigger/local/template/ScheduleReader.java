package dev.outrigger.local.template;

import static dev.outrigger.local.template.PropertyValues.inputString;
import static dev.outrigger.local.template.PropertyValues.str;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;

/**
 * AWS::Scheduler::Schedule, and a function's ScheduleV2 (or Schedule) event, to {@link ScheduleDef}, with the
 * target's RetryPolicy and DeadLetterConfig checked as Scheduler checks them. Schedule groups are only named (Ref,
 * Arn): a schedule keeps its GroupName as written.
 */
final class ScheduleReader {
    private final String file;
    private final TemplateResources resources;
    private final PropertyValues values;

    ScheduleReader(String file, TemplateResources resources, PropertyValues values) {
        this.file = file;
        this.resources = resources;
        this.values = values;
    }

    /** An AWS::Scheduler::Schedule. */
    ScheduleDef read(String id) {
        Map<String, Object> p = resources.properties(id);
        Map<String, Object> target = p.get("Target") == null ? Map.of() : values.asMap(p.get("Target"));
        String targetArn = str(target.get("Arn"));
        if (targetArn == null) {
            throw values.error(id, "Target", "a schedule needs Target.Arn");
        }
        if (p.get("ScheduleExpression") == null) {
            throw values.error(id, "ScheduleExpression", "a schedule needs a ScheduleExpression");
        }
        Dates dates = dates(id, p, "");
        return new ScheduleDef(id, resources.physicalName(id), p.containsKey("GroupName") ? str(p.get("GroupName")) : "default",
                str(p.get("ScheduleExpression")), p.containsKey("ScheduleExpressionTimezone") ? str(p.get("ScheduleExpressionTimezone")) : "UTC",
                resources.functionByArnOrName(targetArn), targetArn, target.get("Input") == null ? null : inputString(target.get("Input")),
                !"DISABLED".equalsIgnoreCase(String.valueOf(p.getOrDefault("State", "ENABLED"))),
                retryPolicy(id, target, "Target", "Target"), deadLetterQueue(id, target, "Target", "Target"),
                dates.start(), dates.end(), resources.line(id));
    }

    /**
     * A ScheduleV2 or Schedule event of function {@code id}, named {@code <FunctionLogicalId><EventName>} as SAM
     * names the schedule it generates.
     *
     * @param ep the event's Properties
     */
    ScheduleDef readEvent(String id, String eventName, Map<String, Object> ep) {
        String state = ep.containsKey("State") ? str(ep.get("State"))
                : (ep.containsKey("Enabled") && !values.bool(ep.get("Enabled"), id, "Enabled", true) ? "DISABLED" : "ENABLED");
        String schedName = ep.containsKey("Name") ? str(ep.get("Name")) : id + eventName;
        Dates dates = dates(id, ep, "Events." + eventName + ".", "Events", eventName, "Properties");
        return new ScheduleDef(id + eventName, schedName, ep.containsKey("GroupName") ? str(ep.get("GroupName")) : "default",
                str(ep.get("ScheduleExpression") != null ? ep.get("ScheduleExpression") : ep.get("Schedule")),
                ep.containsKey("ScheduleExpressionTimezone") ? str(ep.get("ScheduleExpressionTimezone")) : "UTC",
                id, resources.arn(id), ep.get("Input") == null ? null : inputString(ep.get("Input")),
                !"DISABLED".equalsIgnoreCase(state),
                retryPolicy(id, ep, "Events." + eventName, "Events", eventName, "Properties"),
                deadLetterQueue(id, ep, "Events." + eventName, "Events", eventName, "Properties"),
                dates.start(), dates.end(),
                resources.propertyLine(id, "Events", eventName));
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
        Map<String, Object> rp = values.asMap(holder.get("RetryPolicy"));
        int retries = values.integer(rp.get("MaximumRetryAttempts"), id, name + ".RetryPolicy.MaximumRetryAttempts",
                ScheduleDef.RetryPolicy.MAX_RETRY_ATTEMPTS);
        if (retries < 0 || retries > ScheduleDef.RetryPolicy.MAX_RETRY_ATTEMPTS) {
            throw new TemplateException(file, resources.propertyLine(id, path(at, "RetryPolicy", "MaximumRetryAttempts")), "resource " + id,
                    name + ".RetryPolicy.MaximumRetryAttempts must be 0.." + ScheduleDef.RetryPolicy.MAX_RETRY_ATTEMPTS + ", got " + retries);
        }
        int age = values.integer(rp.get("MaximumEventAgeInSeconds"), id, name + ".RetryPolicy.MaximumEventAgeInSeconds",
                ScheduleDef.RetryPolicy.MAX_EVENT_AGE_SECONDS);
        if (age < ScheduleDef.RetryPolicy.MIN_EVENT_AGE_SECONDS || age > ScheduleDef.RetryPolicy.MAX_EVENT_AGE_SECONDS) {
            throw new TemplateException(file, resources.propertyLine(id, path(at, "RetryPolicy", "MaximumEventAgeInSeconds")), "resource " + id,
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
    private String deadLetterQueue(String id, Map<String, Object> holder, String name, String... at) {
        if (holder.get("DeadLetterConfig") == null) {
            return null;
        }
        Object arn = values.asMap(holder.get("DeadLetterConfig")).get("Arn");
        if (arn == null) {
            return null;
        }
        String queue = resources.queueByArn(str(arn));
        if (queue == null) {
            throw new TemplateException(file, resources.propertyLine(id, path(at, "DeadLetterConfig", "Arn")), "resource " + id,
                    name + ".DeadLetterConfig.Arn " + arn + " is not a queue of this template (use !GetAtt Queue.Arn)");
        }
        return queue;
    }

    private record Dates(Instant start, Instant end) {
    }

    /**
     * StartDate and EndDate of {@code holder} (the map at path {@code at} under the resource's Properties; errors name
     * them with {@code prefix}): ISO 8601 date-times with an offset (2027-01-01T00:00:00Z), as CloudFormation passes
     * them to Scheduler, either absent; EndDate after StartDate.
     */
    private Dates dates(String id, Map<String, Object> holder, String prefix, String... at) {
        Instant start = date(id, holder, prefix, "StartDate", at);
        Instant end = date(id, holder, prefix, "EndDate", at);
        if (start != null && end != null && !start.isBefore(end)) {
            throw new TemplateException(file, resources.propertyLine(id, path(at, "EndDate")), "resource " + id,
                    prefix + "EndDate " + end + " must be after StartDate " + start);
        }
        return new Dates(start, end);
    }

    private Instant date(String id, Map<String, Object> holder, String prefix, String key, String... at) {
        Object v = holder.get(key);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(str(v)).toInstant();
        } catch (DateTimeParseException e) {
            throw new TemplateException(file, resources.propertyLine(id, path(at, key)), "resource " + id,
                    prefix + key + " must be a date-time with its offset, such as 2027-01-01T00:00:00Z, got " + v);
        }
    }

    private static String[] path(String[] at, String... more) {
        String[] all = Arrays.copyOf(at, at.length + more.length);
        System.arraycopy(more, 0, all, at.length, more.length);
        return all;
    }
}
