package dev.outrigger.ops;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns an alarm state change into a message a person can act on: what is wrong, where, since when, why (the state
 * reason, threshold and current value), and what to do next. For a DLQ alarm it adds the top failure reasons and
 * the exact {@code outrigger dlq} commands to inspect and redrive.
 */
public final class AlarmFormatter {
    /** What an alarm watches, decided from its metric. */
    public enum Kind {
        DLQ_NOT_EMPTY, QUEUE_OLDEST_MESSAGE_AGE, QUEUE_OTHER, WORKER_ERRORS, WORKER_THROTTLES, WORKER_DURATION, LAMBDA_OTHER,
        STATE_MACHINE_FAILED, STATE_MACHINE_TIMED_OUT, STATE_MACHINE_OTHER, SCHEDULER, JOBS_DEAD_LETTERED, OTHER
    }

    /**
     * How the printed commands reach the queues: locally (the CLI's default endpoint) or on AWS in a region.
     *
     * @param cliSuffix appended to each {@code outrigger dlq} command, e.g. " --aws --region eu-west-1"
     */
    public record Target(boolean aws, String cliSuffix) {
        public static Target local() {
            return new Target(false, "");
        }

        public static Target aws(String region) {
            return new Target(true, " --aws --region " + region);
        }
    }

    static final int TOP_REASONS = 3;

    private AlarmFormatter() {
    }

    public static Kind kind(AlarmStateChange a) {
        String ns = a.namespace() == null ? "" : a.namespace();
        String metric = a.metricName() == null ? "" : a.metricName();
        if (a.namespaces().contains("Outrigger") && (metric.equals("JobsDeadLettered") || a.metricMath())) {
            return Kind.JOBS_DEAD_LETTERED;
        }
        switch (ns) {
            case "AWS/SQS" -> {
                if (metric.equals("ApproximateNumberOfMessagesVisible") && isDlqName(queueName(a))) {
                    return Kind.DLQ_NOT_EMPTY;
                }
                return metric.equals("ApproximateAgeOfOldestMessage") ? Kind.QUEUE_OLDEST_MESSAGE_AGE : Kind.QUEUE_OTHER;
            }
            case "AWS/Lambda" -> {
                return switch (metric) {
                    case "Errors" -> Kind.WORKER_ERRORS;
                    case "Throttles" -> Kind.WORKER_THROTTLES;
                    case "Duration" -> Kind.WORKER_DURATION;
                    default -> Kind.LAMBDA_OTHER;
                };
            }
            case "AWS/States" -> {
                return switch (metric) {
                    case "ExecutionsFailed" -> Kind.STATE_MACHINE_FAILED;
                    case "ExecutionsTimedOut" -> Kind.STATE_MACHINE_TIMED_OUT;
                    default -> Kind.STATE_MACHINE_OTHER;
                };
            }
            case "AWS/Scheduler" -> {
                return Kind.SCHEDULER;
            }
            default -> {
                return Kind.OTHER;
            }
        }
    }

    static boolean isDlqName(String queue) {
        if (queue == null) {
            return false;
        }
        String q = queue.toLowerCase(Locale.ROOT);
        return q.endsWith("dlq") || q.endsWith("dlq.fifo") || q.contains("dead-letter") || q.contains("deadletter");
    }

    public static String queueName(AlarmStateChange a) {
        return a.dimensions().get("QueueName");
    }

    /**
     * @param dlq the DLQ read at notification time (for DLQ alarms in ALARM), or empty; {@code dlqError} says why
     *            it could not be read
     */
    public static AlarmMessage format(AlarmStateChange a, Target target, Optional<DlqSummary> dlq, String dlqError) {
        Kind kind = kind(a);
        StringBuilder b = new StringBuilder();
        String state = a.state() == null ? "?" : a.state();
        b.append(state).append(": ").append(a.alarmName()).append('\n');
        if (a.description() != null && !a.description().isBlank()) {
            b.append(a.description().strip()).append('\n');
        }
        b.append('\n');
        b.append("What:    ").append(what(kind, a)).append('\n');
        b.append("Where:   ").append(where(a)).append('\n');
        b.append("Since:   ").append(a.since() == null ? "(unknown)" : a.since().toString())
                .append(a.previousState() == null ? "" : " (was " + a.previousState() + ")").append('\n');
        if (a.reason() != null) {
            b.append("Why:     ").append(a.reason()).append('\n');
        }
        String metric = metricLine(a);
        if (metric != null) {
            b.append("Metric:  ").append(metric).append('\n');
        }
        if (a.isAlarm()) {
            appendNextSteps(b, kind, a, target, dlq, dlqError);
        } else if ("OK".equals(state)) {
            b.append("\nRecovered: no action needed.\n");
        } else {
            b.append("\nThe alarm has too little data to decide (its metric stopped reporting); check that the resource exists and runs.\n");
        }
        if (target.aws() && a.region() != null && a.alarmName() != null) {
            b.append("\nConsole: https://").append(a.region()).append(".console.aws.amazon.com/cloudwatch/home?region=")
                    .append(a.region()).append("#alarmsV2:alarm/").append(urlEncode(a.alarmName())).append('\n');
        }
        String subject = subject(state + ": " + a.alarmName() + summaryTail(kind, a, dlq));
        return new AlarmMessage(subject, b.toString(), kind, a.alarmName(), state);
    }

    private static String summaryTail(Kind kind, AlarmStateChange a, Optional<DlqSummary> dlq) {
        if (kind == Kind.DLQ_NOT_EMPTY && a.isAlarm()) {
            Optional<Integer> n = dlq.map(DlqSummary::scanned).or(() -> a.recentDatapoints().isEmpty() ? Optional.empty()
                    : Optional.of((int) Math.round(a.recentDatapoints().get(a.recentDatapoints().size() - 1))));
            return n.map(x -> " (" + x + " job(s) waiting)").orElse("");
        }
        return "";
    }

    private static String what(Kind kind, AlarmStateChange a) {
        String queue = queueName(a);
        String fn = a.dimensions().get("FunctionName");
        String sm = Optional.ofNullable(a.dimensions().get("StateMachineArn")).map(Queues::name).orElse(null);
        return switch (kind) {
            case DLQ_NOT_EMPTY -> "jobs are waiting in the dead-letter queue " + queue + ": they failed and will not run again until redriven";
            case QUEUE_OLDEST_MESSAGE_AGE -> "the oldest job in " + queue + " has waited too long: workers are stuck, failing and retrying, or too few";
            case QUEUE_OTHER -> "queue " + queue + " crossed its threshold";
            case WORKER_ERRORS -> "function " + fn + " failed whole invocations (not single jobs): its batches are retried and may dead-letter";
            case WORKER_THROTTLES -> "function " + fn + " is throttled: Lambda refused invocations (concurrency limit)";
            case WORKER_DURATION -> "function " + fn + " is slow: p99 duration is close to its timeout, so jobs are about to time out";
            case LAMBDA_OTHER -> "function " + fn + " crossed its threshold";
            case STATE_MACHINE_FAILED -> "executions of state machine " + sm + " failed";
            case STATE_MACHINE_TIMED_OUT -> "executions of state machine " + sm + " timed out";
            case STATE_MACHINE_OTHER -> "state machine " + sm + " crossed its threshold";
            case SCHEDULER -> "scheduled invocations failed (schedule group " + a.dimensions().getOrDefault("ScheduleGroup", "all") + ")";
            case JOBS_DEAD_LETTERED -> "jobs are being dead-lettered faster than usual (the workers' JobsDeadLettered metric)";
            case OTHER -> (a.namespace() == null ? "a metric expression" : a.namespace() + " " + a.metricName()) + " crossed its threshold";
        };
    }

    private static String where(AlarmStateChange a) {
        StringBuilder b = new StringBuilder();
        String dims = a.dimensions().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        b.append(dims.isEmpty() ? (a.namespace() == null ? "-" : a.namespace()) : dims);
        if (a.region() != null) {
            b.append(" | region ").append(a.region());
        }
        if (a.account() != null) {
            b.append(" | account ").append(a.account());
        }
        return b.toString();
    }

    private static String metricLine(AlarmStateChange a) {
        if (a.metricName() == null && a.threshold() == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        if (a.metricName() != null) {
            b.append(a.metricMath() ? "expression over " + a.namespaces() : a.namespace() + " " + a.metricName());
            if (a.statistic() != null || a.periodSeconds() != null) {
                b.append(" (").append(a.statistic() == null ? "" : a.statistic())
                        .append(a.periodSeconds() == null ? "" : " per " + human(Duration.ofSeconds(a.periodSeconds()))).append(')');
            }
        }
        if (!a.recentDatapoints().isEmpty()) {
            b.append("; current ").append(number(a.recentDatapoints().get(a.recentDatapoints().size() - 1), a));
        }
        if (a.threshold() != null) {
            b.append("; alarm when ").append(comparison(a.comparison())).append(' ').append(number(a.threshold(), a));
        }
        return b.toString();
    }

    private static String comparison(String op) {
        if (op == null) {
            return "past";
        }
        return switch (op) {
            case "GreaterThanThreshold" -> ">";
            case "GreaterThanOrEqualToThreshold" -> ">=";
            case "LessThanThreshold" -> "<";
            case "LessThanOrEqualToThreshold" -> "<=";
            default -> op;
        };
    }

    /** Seconds and milliseconds shown also as durations ("1800 (30m)"), counts as integers. */
    private static String number(double v, AlarmStateChange a) {
        String plain = v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
        if ("ApproximateAgeOfOldestMessage".equals(a.metricName())) {
            return plain + " s (" + human(Duration.ofSeconds((long) v)) + ")";
        }
        if ("Duration".equals(a.metricName())) {
            return plain + " ms (" + human(Duration.ofMillis((long) v)) + ")";
        }
        return plain;
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return d.toMillis() < 1000 ? d.toMillis() + "ms" : s + "s";
        }
        if (s < 7200) {
            return (s / 60) + "m";
        }
        if (s < 172_800) {
            return (s / 3600) + "h" + (s % 3600 / 60 == 0 ? "" : (s % 3600 / 60) + "m");
        }
        return (s / 86_400) + "d";
    }

    private static void appendNextSteps(StringBuilder b, Kind kind, AlarmStateChange a, Target t, Optional<DlqSummary> dlq,
                                        String dlqError) {
        String queue = queueName(a);
        switch (kind) {
            case DLQ_NOT_EMPTY -> {
                String topError = null;
                if (dlq.isPresent()) {
                    DlqSummary s = dlq.get();
                    b.append("\nTop failure reasons (").append(s.scanned()).append(" job(s) read):\n");
                    List<DlqSummary.Group> top = s.groups().stream().limit(TOP_REASONS).toList();
                    for (DlqSummary.Group g : top) {
                        b.append(String.format("  %5d  %-16s %-28s e.g. %s%n", g.count(), g.jobType(), g.error(),
                                DlqSummary.cut(g.sampleErrorMessage() == null ? "-" : g.sampleErrorMessage().replace('\n', ' '), 100)));
                    }
                    if (s.groups().size() > TOP_REASONS) {
                        b.append("  … and ").append(s.groups().size() - TOP_REASONS).append(" more group(s)\n");
                    }
                    topError = top.isEmpty() ? null : top.get(0).error();
                } else if (dlqError != null) {
                    b.append("\n(The DLQ could not be read for this message: ").append(dlqError).append(")\n");
                }
                if (queue != null && queue.toLowerCase(Locale.ROOT).contains("scheduler")) {
                    // Scheduler's dead letters are failed invocations, not jobs: there is no queue to send them back to.
                    b.append("\nNext steps:\n");
                    b.append("  1. See why:          outrigger dlq inspect --queue ").append(queue).append(t.cliSuffix()).append('\n');
                    b.append("  2. Fix the hook (Django's hooks/<name> endpoint or the schedule's input); the next scheduled run "
                            + "retries by itself. (A permanent answer, 4xx, is parked here at once, without retries.)\n");
                    b.append("  3. Once understood, empty the DLQ: aws sqs purge-queue --queue-url <url of ").append(queue).append(">\n");
                    break;
                }
                String error = topError == null ? "<ERROR>" : shellWord(topError);
                b.append("\nNext steps:\n");
                b.append("  1. See why:          outrigger dlq inspect --queue ").append(queue).append(t.cliSuffix()).append('\n');
                b.append("  2. Fix the cause (code, configuration or the downstream service), then check what would move:\n");
                b.append("                       outrigger dlq redrive --queue ").append(queue).append(" --error ").append(error)
                        .append(" --dry-run").append(t.cliSuffix()).append('\n');
                b.append("  3. Redrive:          outrigger dlq redrive --queue ").append(queue).append(" --error ").append(error)
                        .append(t.cliSuffix()).append('\n');
                if (t.aws()) {
                    b.append("  (or without the CLI: sam remote invoke DlqRedriveFunction --event '{\"action\":\"inspect\",\"queue\":\"")
                            .append(queue).append("\"}')\n");
                }
            }
            case QUEUE_OLDEST_MESSAGE_AGE -> b.append("\nNext steps: check the worker's errors and duration on the Outrigger dashboard "
                    + "and its logs; if jobs are dying, they show up in the DLQ: outrigger dlq inspect --queue ").append(queue)
                    .append(t.cliSuffix()).append('\n');
            case WORKER_ERRORS, WORKER_THROTTLES, WORKER_DURATION, LAMBDA_OTHER -> b.append("\nNext steps: read the function's logs "
                    + "(sam logs -n ").append(a.dimensions().getOrDefault("FunctionName", "<function>"))
                    .append(" --tail), then watch the DLQs: jobs that keep failing end up there.\n");
            case STATE_MACHINE_FAILED, STATE_MACHINE_TIMED_OUT, STATE_MACHINE_OTHER -> b.append("\nNext steps: open the failed "
                    + "execution in the Step Functions console (its last failed state names the cause); the deploy and cutover "
                    + "machines roll back by themselves, check that the rollback finished.\n");
            case SCHEDULER -> b.append("\nNext steps: the schedule's target failed or could not be invoked; undelivered "
                    + "invocations are in the scheduler DLQ.\n");
            case JOBS_DEAD_LETTERED -> b.append("\nNext steps: outrigger dlq inspect --queue <jobs queue>").append(t.cliSuffix())
                    .append(" shows which job types and errors.\n");
            default -> {
            }
        }
    }

    /** Quotes an error class for the shell when it is not a plain word. */
    static String shellWord(String s) {
        return s.matches("[A-Za-z0-9_.:/@%+=-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * SNS subjects must be ASCII, one line, under 100 characters
     * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
     */
    public static String subject(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : c == '…' ? '.' : ' ');
        }
        String out = b.toString().strip();
        return out.length() <= 99 ? out : out.substring(0, 96) + "...";
    }

    private static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
