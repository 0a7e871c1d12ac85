package dev.outrigger.local.cli;

import dev.outrigger.core.Json;
import dev.outrigger.ops.AuditSink;
import dev.outrigger.ops.DeadLetter;
import dev.outrigger.ops.DlqInspector;
import dev.outrigger.ops.DlqSummary;
import dev.outrigger.ops.OpsService;
import dev.outrigger.ops.RedriveFilter;
import dev.outrigger.ops.RedriveReport;
import dev.outrigger.ops.RedriveRequest;
import dev.outrigger.ops.TimeSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code outrigger dlq inspect | show | redrive}: why jobs died, and moving them back safely. Against the local
 * runtime by default, AWS with --aws / --region. Exit codes: 0 ok, 1 failure (SQS unreachable, a redrive item
 * failed, job not found), 2 usage (bad option, unknown queue).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Inspect dead-letter queues and redrive jobs (alarm -> inspect -> fix -> redrive).",
        subcommands = {DlqCommand.Inspect.class, DlqCommand.Show.class, DlqCommand.Redrive.class, CommandLine.HelpCommand.class})
public final class DlqCommand implements Runnable {
    static final int OK = 0;
    static final int FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the body with clients; SQS being unreachable becomes a clear failure. */
    static int withClients(OpsTarget target, Body body) throws Exception {
        try (SqsClient sqs = target.sqs(); SnsClient sns = target.sns()) {
            return body.run(sqs, sns);
        } catch (SdkClientException e) {
            throw new IllegalStateException("cannot reach SQS at " + target.where() + ": " + e.getMessage()
                    + (target.isAws() ? "" : " (is `./outrigger local up` running?)"), e);
        }
    }

    interface Body {
        int run(SqsClient sqs, SnsClient sns) throws Exception;
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = {"Summarise a DLQ by job type and error: counts, oldest and newest failure, attempts, redrives, sample job ids.",
                    "Reads without consuming: each message is hidden for at most 30 s, then made visible again."})
    static final class Inspect implements Callable<Integer> {
        @Option(names = {"-q", "--queue"}, required = true, description = "DLQ (or its jobs queue): logical id, name, URL or ARN")
        String queue;

        @Option(names = "--limit", defaultValue = "" + DlqInspector.DEFAULT_LIMIT, description = "read at most this many messages (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--json", description = "print the summary as JSON")
        boolean json;

        @Mixin
        OpsTarget target;

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
            }
            return withClients(target, (sqs, sns) -> {
                OpsService ops = new OpsService(sqs, AuditSink.jsonLog(System.err));
                DlqSummary s = ops.inspector().inspect(target.dlqUrl(ops, queue), limit);
                PrintStream out = System.out;
                if (json) {
                    out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(s));
                } else {
                    out.print(s.toText());
                    if (!s.groups().isEmpty()) {
                        String error = s.groups().get(0).error();
                        out.println("\nnext: outrigger dlq redrive --queue " + queue + " --error " + error + " --dry-run"
                                + (target.isAws() ? " --aws" + (target.region() == null ? "" : " --region " + target.region()) : ""));
                    }
                }
                return OK;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One dead letter: its reason, history, attributes and body.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", paramLabel = "JOB_ID", description = "job id (or SQS message id)")
        String jobId;

        @Option(names = {"-q", "--queue"}, required = true, description = "DLQ (or its jobs queue): logical id, name, URL or ARN")
        String queue;

        @Option(names = "--limit", defaultValue = "" + DlqInspector.DEFAULT_LIMIT, description = "search at most this many messages")
        int limit;

        @Mixin
        OpsTarget target;

        @Override
        public Integer call() throws Exception {
            return withClients(target, (sqs, sns) -> {
                OpsService ops = new OpsService(sqs, AuditSink.jsonLog(System.err));
                String dlq = target.dlqUrl(ops, queue);
                var found = ops.inspector().show(dlq, jobId, limit);
                if (found.isEmpty()) {
                    System.err.println("outrigger: no job " + jobId + " in " + dlq.substring(dlq.lastIndexOf('/') + 1));
                    return FAILURE;
                }
                DeadLetter m = found.get();
                var d = OpsService.describe(m);
                Object body = d.get("body");
                try {
                    d.put("body", Json.MAPPER.readTree(m.body()));   // pretty when it is JSON
                } catch (java.io.IOException e) {
                    d.put("body", body);
                }
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(d));
                return OK;
            });
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Move dead letters back to their queue.",
                    "With filters (or --all/--max): message by message, send first then delete (a crash duplicates, never loses);",
                    "each job carries its redrive count and previous error, and is refused at --max-redrives.",
                    "Without filters: an SQS move task (StartMessageMoveTask); --status and --cancel follow it.",
                    "Every redrive is audited: a JSON line on stderr and an event on the ops topic."})
    static final class Redrive implements Callable<Integer> {
        @Option(names = {"-q", "--queue"}, required = true, description = "DLQ (or its jobs queue): logical id, name, URL or ARN")
        String queue;

        @Option(names = "--type", split = ",", description = "only these job types (repeatable or comma-separated)")
        List<String> types = new ArrayList<>();

        @Option(names = "--error", split = ",", description = "only these error classes, as `dlq inspect` shows them")
        List<String> errors = new ArrayList<>();

        @Option(names = "--older-than", description = "only jobs that failed before: 2h, 3d, 90m, or an instant 2026-11-21T10:00:00Z")
        String olderThan;

        @Option(names = "--newer-than", description = "only jobs that failed after: 2h, 3d, or an instant")
        String newerThan;

        @Option(names = "--job-id", description = "only this job (repeatable)")
        List<String> jobIds = new ArrayList<>();

        @Option(names = "--max", description = "move at most this many")
        Integer max;

        @Option(names = "--rate", description = "at most this many per second, e.g. 5 or 5/s")
        String rate;

        @Option(names = "--max-redrives", defaultValue = "" + RedriveRequest.DEFAULT_MAX_REDRIVES,
                description = "refuse jobs already redriven this many times (default: ${DEFAULT-VALUE})")
        int maxRedrives;

        @Option(names = "--all", description = "move everything message by message (keeps history, honours --max-redrives)")
        boolean all;

        @Option(names = "--to", description = "send to this queue instead of each job's source queue")
        String to;

        @Option(names = "--dry-run", description = "show what would move; move nothing")
        boolean dryRun;

        @Option(names = "--status", description = "show the DLQ's SQS move tasks")
        boolean status;

        @Option(names = "--cancel", description = "cancel the DLQ's running SQS move task")
        boolean cancel;

        @Option(names = "--time-budget", defaultValue = "10m", description = "stop after this long; run again to continue (default: ${DEFAULT-VALUE})")
        String timeBudget;

        @Option(names = "--json", description = "print the report as JSON")
        boolean json;

        @Mixin
        OpsTarget target;

        @Override
        public Integer call() throws Exception {
            if (status && cancel) {
                throw new IllegalArgumentException("--status and --cancel cannot be combined");
            }
            Instant now = Instant.now();
            RedriveFilter filter = new RedriveFilter(java.util.Set.copyOf(types), java.util.Set.copyOf(errors),
                    olderThan == null ? null : TimeSpec.parse(olderThan, now), newerThan == null ? null : TimeSpec.parse(newerThan, now),
                    java.util.Set.copyOf(jobIds));
            Double perSecond = null;
            if (rate != null) {
                try {
                    perSecond = Double.valueOf(rate.trim().replaceAll("\\s*/\\s*s$", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--rate " + rate + ": expected a number per second, e.g. 5 or 5/s");
                }
            }
            Duration budget = Duration.between(TimeSpec.parse(timeBudget, now), now);
            Double rateValue = perSecond;
            return withClients(target, (sqs, sns) -> {
                String actor = target.actor();
                OpsService ops = new OpsService(sqs, target.audit(sns));
                String dlq = target.dlqUrl(ops, queue);
                RedriveReport report;
                if (status) {
                    report = ops.redriver().moveTaskStatus(dlq, actor);
                } else if (cancel) {
                    report = ops.redriver().cancelMoveTask(dlq, actor);
                } else {
                    String toUrl = to == null ? null
                            : ops.queues().url(target.localTemplate().flatMap(t -> t.queue(to)).map(q -> q.name()).orElse(to));
                    if (toUrl != null && toUrl.equals(dlq)) {
                        throw new IllegalArgumentException("--to " + to + " is the DLQ itself");
                    }
                    report = ops.redriver().redrive(new RedriveRequest(dlq, filter, toUrl, max, rateValue, dryRun, maxRedrives, all,
                            actor, budget));
                }
                System.out.print(json ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n" : report.toText());
                return report.failed().isEmpty() ? OK : FAILURE;
            });
        }
    }
}
