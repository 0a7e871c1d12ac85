package dev.outrigger.local.cli;

import dev.outrigger.local.schedules.BeatParser;
import dev.outrigger.local.schedules.ConversionResult;
import dev.outrigger.local.schedules.CrontabParser;
import dev.outrigger.local.schedules.ParsedSchedules;
import dev.outrigger.local.schedules.ScheduleConverter;
import dev.outrigger.local.schedules.ScheduleError;
import dev.outrigger.local.schedules.ScheduleTemplateWriter;
import dev.outrigger.local.schedules.SourceEntry;
import dev.outrigger.schedule.ScheduleGroupToggle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;

/** {@code outrigger schedules convert | list | pause | resume | fire}. */
@Command(name = "schedules", mixinStandardHelpOptions = true,
        description = "Convert crontab / Celery beat to EventBridge schedules; list, pause, resume and fire schedules.",
        subcommands = {SchedulesCommand.Convert.class, SchedulesCommand.ListCmd.class, SchedulesCommand.Pause.class,
                SchedulesCommand.Resume.class, SchedulesCommand.Fire.class})
public final class SchedulesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = {"Writes AWS::Scheduler::Schedule resources for a crontab or a Celery beat schedule to stdout.",
                    "Refused lines/entries are printed to stderr with the reason. A crontab command that is not a Django",
                    "management command still gets its schedule, with a hook named from the command, marked in the YAML",
                    "and on stderr as one to write in Django (--strict refuses it instead). A settings file this reader",
                    "cannot evaluate (entries assigned one by one, names, calls) is reported with the command that exports",
                    "the live schedule: python manage.py outrigger_export_beat > beat.json.",
                    "Exit codes: 0 all converted; " + Convert.EXIT_REFUSED + " some refused (or a usage error); "
                            + Convert.EXIT_NEEDS_EXPORT + " the file needs outrigger_export_beat; "
                            + Convert.EXIT_HOOKS_TO_WRITE + " all converted, but hooks to write in Django."})
    static final class Convert implements Callable<Integer> {
        static final int EXIT_REFUSED = 2;
        static final int EXIT_NEEDS_EXPORT = 3;
        static final int EXIT_HOOKS_TO_WRITE = 4;

        @Parameters(index = "0", description = "crontab file, or a settings/celery .py or .json with the beat schedule")
        Path file;
        @Option(names = "--format", description = "crontab or beat (default: beat for .py/.json, else crontab)")
        String format;
        @Option(names = "--timezone", defaultValue = "UTC", description = "zone when the file sets none (default: ${DEFAULT-VALUE})")
        String timezone;
        @Option(names = "--hook-function-ref", defaultValue = "ScheduleHookFunction", description = "template logical id of the hook function")
        String hookRef;
        @Option(names = "--strict", description = "refuse crontab commands that are not one Django management command")
        boolean strict;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String text = Files.readString(file);
            String name = file.getFileName().toString();
            String fmt = format != null ? format : name.endsWith(".py") || name.endsWith(".json") ? "beat" : "crontab";
            ZoneId zone = ZoneId.of(timezone);
            ParsedSchedules p = switch (fmt) {
                case "crontab" -> CrontabParser.parse(name, text, zone, strict);
                case "beat" -> BeatParser.parse(name, text, zone);
                default -> throw new IllegalArgumentException("--format must be crontab or beat, not " + fmt);
            };
            ConversionResult r = new ScheduleConverter(Clock.systemUTC()).convert(p.entries());
            List<ScheduleError> errors = new ArrayList<>(p.errors());
            errors.addAll(r.errors());
            spec.commandLine().getOut().print(ScheduleTemplateWriter.write(r.schedules(), name,
                    ScheduleTemplateWriter.Options.defaults().withHookFunctionRef(hookRef)));
            spec.commandLine().getOut().flush(); // print() does not autoflush, and main() exits right after
            var err = spec.commandLine().getErr();
            r.schedules().forEach(s -> s.warnings().forEach(w -> err.println("warning: " + s.source().location() + " (" + s.name() + "): " + w)));
            List<SourceEntry> toWrite = p.entries().stream().filter(SourceEntry::hookToWrite).toList();
            toWrite.forEach(e -> err.println("hook to write in Django: " + e.location() + " (" + e.name() + "): "
                    + ScheduleTemplateWriter.hookToWrite(e)));
            errors.stream().filter(e -> !e.needsExport()).forEach(e -> err.println("refused: " + e.message()));
            List<ScheduleError> notEvaluated = errors.stream().filter(ScheduleError::needsExport).toList();
            notEvaluated.forEach(e -> err.println("cannot evaluate: " + e.message()));
            err.println(r.schedules().size() + " schedule(s) written, " + (errors.size() - notEvaluated.size()) + " refused"
                    + (notEvaluated.isEmpty() ? "" : ", " + notEvaluated.size() + " not evaluated")
                    + (toWrite.isEmpty() ? "" : ", " + toWrite.size() + " hook(s) to write in Django"));
            if (!notEvaluated.isEmpty()) {
                err.println("This file is Python that only Django can evaluate. Export the live schedule (settings and "
                        + "django-celery-beat) and convert that instead:\n  " + ScheduleError.EXPORT_COMMAND
                        + "\n  outrigger schedules convert beat.json");
            }
            err.flush();
            if (!notEvaluated.isEmpty()) {
                return EXIT_NEEDS_EXPORT;
            }
            if (!errors.isEmpty()) {
                return EXIT_REFUSED;
            }
            return toWrite.isEmpty() ? 0 : EXIT_HOOKS_TO_WRITE;
        }
    }

    /** Where the Scheduler API is: the local runtime's emulator (default) or AWS. */
    static class Target extends AwsEndpointOptions {
        @Option(names = "--endpoint-url", description = "Scheduler endpoint (default: http://127.0.0.1:9325, the local runtime's emulator)")
        URI endpoint;
        @Option(names = "--group", defaultValue = "outrigger-dev", description = "schedule group (default: ${DEFAULT-VALUE})")
        String group;

        private static final URI LOCAL_SCHEDULER = URI.create("http://127.0.0.1:9325");

        URI endpoint() {
            return endpoint == null ? LOCAL_SCHEDULER : endpoint;
        }

        @Override
        URI endpointOverride() {
            return endpoint;
        }

        /** No --region here: AWS only with --aws, locally us-east-1. */
        @Override
        String region() {
            return null;
        }

        @Override
        URI localDefault() {
            return LOCAL_SCHEDULER;
        }

        SchedulerClient client() {
            return client(SchedulerClient.builder());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the schedules of the group and their state.")
    static final class ListCmd implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (SchedulerClient c = target.client()) {
                for (ScheduleSummary s : c.listSchedulesPaginator(b -> b.groupName(target.group)).schedules()) {
                    var full = c.getSchedule(b -> b.groupName(target.group).name(s.name()));
                    spec.commandLine().getOut().printf("%-32s %-8s %-28s %s%n", s.name(), s.stateAsString(),
                            full.scheduleExpression(), full.scheduleExpressionTimezone());
                }
            }
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Disables every enabled schedule of the group.")
    static final class Pause implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (SchedulerClient c = target.client()) {
                ScheduleGroupToggle.PauseResult result = new ScheduleGroupToggle(c).pause(target.group);
                result.paused().forEach(name -> spec.commandLine().getOut().println("paused " + name));
                result.alreadyDisabled().forEach(name -> spec.commandLine().getOut().println("already disabled " + name));
                spec.commandLine().getOut().println(result.paused().size() + " paused");
            }
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Enables the named schedules (default: every schedule of the group).")
    static final class Resume implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;
        @Parameters(arity = "0..*", description = "schedule names")
        List<String> names = new ArrayList<>();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (SchedulerClient c = target.client()) {
                List<String> todo = names.isEmpty() ? c.listSchedulesPaginator(b -> b.groupName(target.group)).schedules()
                        .stream().map(ScheduleSummary::name).toList() : names;
                ScheduleGroupToggle.ResumeResult result = new ScheduleGroupToggle(c).resume(target.group, todo);
                result.resumed().forEach(name -> spec.commandLine().getOut().println("resumed " + name));
                if (!result.missing().isEmpty()) {
                    spec.commandLine().getErr().println("no such schedule in " + target.group + ": " + String.join(", ", result.missing()));
                    return 1;
                }
            }
            return 0;
        }
    }

    @Command(name = "fire", mixinStandardHelpOptions = true,
            description = {"Fires one schedule now (its Input, scheduled time = now).",
                    "Local runtime: with its retries and DLQ.",
                    "--aws: GetSchedule, then Lambda Invoke (RequestResponse) of its target function with the context "
                            + "attributes filled in. Prints the function's response, or its error with exit 1. "
                            + "A target that is not a Lambda function is refused (exit 2)."})
    static final class Fire implements Callable<Integer> {
        @CommandLine.Mixin
        Target target;
        @Parameters(index = "0", description = "schedule name")
        String name;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        private final AwsClients clients;

        Fire() {
            this(AwsClients.DEFAULT);
        }

        /** Tests hand in clients pointed at a stand-in of the Scheduler and Lambda APIs. */
        Fire(AwsClients clients) {
            this.clients = clients;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (target.aws) {
                return fireInAws();
            }
            // A local-only route on the emulator; the Authorization scope names the service so it routes to Scheduler.
            HttpRequest req = HttpRequest.newBuilder(target.endpoint().resolve("/schedules/" + name + "/fire"))
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/scheduler/aws4_request")
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            spec.commandLine().getOut().println(r.body());
            return r.statusCode() == 200 && r.body().contains("\"succeeded\":true") ? 0 : 1;
        }

        private int fireInAws() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            AwsScheduleFire.Outcome o;
            try (SchedulerClient c = clients.scheduler(target)) {
                o = new AwsScheduleFire(c, clients::lambda).fire(target.group, name);
            }
            int code = switch (o) {
                case AwsScheduleFire.Invoked i -> {
                    err.println("fired " + name + ": invoked " + i.functionArn()
                            + (i.executedVersion() != null ? " (version " + i.executedVersion() + ")" : "")
                            + " scheduled_time=" + i.scheduledTime() + " execution_id=" + i.executionId());
                    err.println("input: " + i.input());
                    out.println(i.payload());
                    yield 0;
                }
                case AwsScheduleFire.FunctionFailed f -> {
                    err.println("fired " + name + ": " + f.functionArn() + " failed with a function error (" + f.functionError()
                            + ") scheduled_time=" + f.scheduledTime() + " execution_id=" + f.executionId());
                    err.println("input: " + f.input());
                    err.println("error: " + f.payload());
                    yield 1;
                }
                case AwsScheduleFire.ScheduleNotFound n -> {
                    err.println("no schedule '" + n.name() + "' in group '" + n.group() + "' (Scheduler: " + n.message()
                            + "); see `outrigger schedules list --aws --group " + n.group() + "`");
                    yield 1;
                }
                case AwsScheduleFire.TargetRefused t -> {
                    err.println("refused: schedule '" + t.name() + "' targets " + t.targetArn() + ", which is not a Lambda"
                            + " function; fire --aws invokes Lambda function targets only, nothing was sent");
                    yield 2;
                }
            };
            out.flush(); // main() exits right after
            err.flush();
            return code;
        }
    }

    /** The AWS clients `fire --aws` uses. */
    interface AwsClients {
        SchedulerClient scheduler(Target target);

        /** A Lambda client for the function's region (the ARN's, not the profile's). */
        LambdaClient lambda(String region);

        AwsClients DEFAULT = new AwsClients() {
            @Override
            public SchedulerClient scheduler(Target target) {
                return target.client();
            }

            @Override
            public LambdaClient lambda(String region) {
                return LambdaClient.builder().region(Region.of(region))
                        // A RequestResponse invoke waits for the function, which may run up to 15 minutes.
                        .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(16)).build())
                        // No SDK retry: a retried Invoke would run the hook again; the operator decides instead.
                        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                        .build();
            }
        };
    }
}
