package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.local.schedules.AwsSchedule;
import dev.outrigger.local.schedules.AwsScheduleEvaluator;
import dev.outrigger.local.schedules.SchedulerContext;
import dev.outrigger.local.template.ScheduleDef;
import java.io.PrintStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The local EventBridge Scheduler: fires each enabled schedule of the template at its times in its time zone
 * ({@link AwsScheduleEvaluator}, the same rules the converter is proven against), invoking the target function
 * in-process with the schedule's Input, {@code <aws.scheduler.scheduled-time>} and
 * {@code <aws.scheduler.execution-id>} filled in. A failed invocation is retried per the schedule's own
 * Target.RetryPolicy: at most MaximumRetryAttempts retries, and none that would start once the event is
 * MaximumEventAgeInSeconds old (counted from the scheduled time); without a RetryPolicy Scheduler's defaults apply
 * (185, 86400 s). Retries back off exponentially from {@code retryDelay} (capped at {@link #MAX_RETRY_DELAY}). When
 * retries end, the input goes to the queue the schedule's DeadLetterConfig.Arn names, with the error as message
 * attributes as Scheduler does; a schedule without a DeadLetterConfig has its event logged and dropped, as Scheduler
 * drops it (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html). A schedule fires only
 * within its StartDate and EndDate ({@link AwsScheduleEvaluator.Window}); rates count from StartDate, or from when
 * the runtime started. A fire (with its retries) runs on the one scheduler thread, so a long retry sequence
 * delays the other schedules' fires.
 *
 * <p>Also serves the Scheduler API subset the CLI, the toggle function and Django's deferred tasks use on the emulator
 * endpoint (REST-JSON, signing name "scheduler"): ListSchedules {@code GET /schedules}, GetSchedule
 * {@code GET /schedules/{name}}, UpdateSchedule {@code PUT /schedules/{name}} (State only is honoured locally),
 * CreateSchedule {@code POST /schedules/{name}} and DeleteSchedule {@code DELETE /schedules/{name}}, plus a local-only
 * {@code POST /schedules/{name}/fire} used by {@code outrigger schedules fire}. A schedule whose target is a template
 * queue's ARN sends its Input there as the message body (the SQS target,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html); one with
 * ActionAfterCompletion DELETE is deleted once its last fire is done
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html).
 */
public final class LocalScheduler implements RuntimeExtension {
    /** Locally no retry waits longer than this (Scheduler's own backoff is not documented beyond "exponential"). */
    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One fire: what was sent, how many attempts, and whether it ended in the DLQ. */
    public record Firing(String schedule, Instant scheduledTime, String executionId, String input, int attempts,
                         boolean succeeded, String error) {
    }

    /** A schedule as the local scheduler holds it. */
    static final class Entry {
        final ScheduleDef def;
        final AwsSchedule expression;
        final ZoneId zone;
        /** where a rate counts from: the runtime's start for template schedules, creation for created ones */
        final Instant rateAnchor;
        /** StartDate and EndDate */
        final AwsScheduleEvaluator.Window window;
        /** ActionAfterCompletion DELETE: gone once no fire is left */
        final boolean deleteAfterCompletion;
        volatile boolean enabled;
        volatile ScheduledFuture<?> next;

        Entry(ScheduleDef def, Instant rateAnchor, boolean deleteAfterCompletion) {
            this.def = def;
            this.expression = AwsSchedule.parse(def.expression());
            this.zone = ZoneId.of(def.timezone());
            this.rateAnchor = rateAnchor;
            this.window = new AwsScheduleEvaluator.Window(def.startDate(), def.endDate());
            this.deleteAfterCompletion = deleteAfterCompletion;
            this.enabled = def.enabled();
        }
    }

    /** Schedule names, as CreateSchedule allows them. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[0-9a-zA-Z_.-]{1,64}");

    private final Clock clock;
    private final Duration retryDelay;
    private final Map<String, Entry> entries = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Firing> firings = java.util.Collections.synchronizedList(new ArrayList<>());
    private ScheduledExecutorService timer;
    private BiFunction<String, String, InvocationResult> invoker;
    private QueueSender deadLetter;
    /** a template queue's logical id by its ARN (empty: not a template queue) */
    private java.util.function.Function<String, java.util.Optional<String>> queueByArn = arn -> java.util.Optional.empty();
    /** the template's schedule groups and "default"; null accepts any group */
    private java.util.Set<String> groups;
    private PrintStream console = System.err;
    private Instant startedAt;

    /** Sends a message to a template queue: a failed invocation's input to its DLQ, or an SQS target's Input. */
    @FunctionalInterface
    interface QueueSender {
        /** @param queue logical id of the template queue (the DeadLetterConfig's, or the target's) */
        void send(String queue, String body, Map<String, String> attributes);
    }

    public LocalScheduler() {
        this(Clock.systemUTC(), Duration.ofSeconds(2));
    }

    LocalScheduler(Clock clock, Duration retryDelay) {
        this.clock = clock;
        this.retryDelay = retryDelay;
    }

    @Override
    public String name() {
        return "schedules";
    }

    @Override
    public void start(LocalRuntime runtime) {
        start(runtime.template().schedules(), (fn, event) -> runtime.invoke(fn, event),
                (queue, body, attrs) -> runtime.sqs().sendMessage(b -> b.queueUrl(runtime.queueUrl(queue)).messageBody(body).messageAttributes(
                        attrs.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                                e -> software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                                        .dataType("String").stringValue(e.getValue()).build())))),
                runtime.console());
        this.queueByArn = arn -> runtime.template().queue(arn).filter(q -> q.arn().equals(arn)).map(q -> q.logicalId());
        java.util.Set<String> names = new java.util.HashSet<>(java.util.Set.of("default"));
        runtime.template().resources().values().stream().filter(r -> r.type().equals("AWS::Scheduler::ScheduleGroup"))
                .forEach(r -> names.add(r.properties() != null && r.properties().get("Name") != null
                        ? String.valueOf(r.properties().get("Name")) : r.logicalId()));
        this.groups = names;
        runtime.emulator().register("scheduler", this::handle);
    }

    /** Starts firing (tests call this directly with their own invoker and DLQ). */
    void start(List<ScheduleDef> defs, BiFunction<String, String, InvocationResult> invoker, QueueSender deadLetter) {
        start(defs, invoker, deadLetter, System.err);
    }

    void start(List<ScheduleDef> defs, BiFunction<String, String, InvocationResult> invoker, QueueSender deadLetter, PrintStream console) {
        this.invoker = invoker;
        this.deadLetter = deadLetter;
        this.console = console;
        this.startedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outrigger-local-scheduler");
            t.setDaemon(true);
            return t;
        });
        for (ScheduleDef d : defs) {
            Entry e = new Entry(d, startedAt, false);
            entries.put(d.name(), e);
            if (e.enabled) {
                // Just before the start: a rate without StartDate fires at once, as EventBridge's does on creation.
                scheduleNext(e, startedAt.minusSeconds(1));
            }
        }
    }

    @Override
    public String describe() {
        long on = entryList().stream().filter(e -> e.enabled).count();
        return "schedules: " + on + " enabled of " + entries.size() + " (EventBridge Scheduler rules, local time zones)";
    }

    /** When the schedule fires next after {@code after}, or null. */
    Instant nextFire(Entry e, Instant after) {
        return AwsScheduleEvaluator.next(e.expression, e.zone, after, e.rateAnchor, e.window);
    }

    private void scheduleNext(Entry e, Instant after) {
        Instant at = nextFire(e, after);
        if (at == null || timer.isShutdown()) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        e.next = timer.schedule(() -> {
            if (e.enabled && entries.get(e.def.name()) == e) {
                fire(e, at);
                if (e.deleteAfterCompletion && nextFire(e, at) == null) {
                    entries.remove(e.def.name(), e);
                    console.println("[schedules] " + e.def.name() + " completed and was deleted (ActionAfterCompletion DELETE)");
                } else {
                    scheduleNext(e, at);
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Fires one schedule now, as `outrigger schedules fire` does (scheduled time = now, to the second). */
    public Firing fireNow(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no schedule named '" + name + "' (have: " + entryList().stream().map(x -> x.def.name()).toList() + ")");
        }
        return fire(e, clock.instant().truncatedTo(ChronoUnit.SECONDS));
    }

    Firing fire(Entry e, Instant scheduledTime) {
        String executionId = UUID.randomUUID().toString();
        String input = SchedulerContext.fill(e.def.input(), scheduledTime, executionId, arn(e), 1);
        String target = e.def.targetFunction() != null ? e.def.targetFunction() : e.def.targetArn();
        ScheduleDef.RetryPolicy policy = e.def.retryPolicy();
        Instant tooOld = scheduledTime.plusSeconds(policy.maximumEventAgeSeconds());
        String error = null;
        int attempt = 0;
        while (true) {
            attempt++;
            // Scheduler fills the same execution id on every retry of one fire, and counts the attempt.
            String attemptInput = attempt == 1 ? input
                    : SchedulerContext.fill(e.def.input(), scheduledTime, executionId, arn(e), attempt);
            InvocationResult r;
            try {
                r = invoke(e, target, attemptInput);
            } catch (RuntimeException ex) {
                r = new InvocationResult(null, null, ex, false, Duration.ZERO);
            }
            if (r.ok()) {
                Firing f = new Firing(e.def.name(), scheduledTime, executionId, input, attempt, true, null);
                firings.add(f);
                return f;
            }
            error = r.error() != null ? r.error().getClass().getSimpleName() + ": " + r.error().getMessage()
                    : r.timedOut() ? "timed out" : String.valueOf(r.errorJson());
            int retriesDone = attempt - 1;
            if (retriesDone >= policy.maximumRetryAttempts()) {
                break;
            }
            Duration delay = retryDelay(attempt);
            // No retry that would start once the event is MaximumEventAgeInSeconds old.
            if (clock.instant().plus(delay).isAfter(tooOld)) {
                break;
            }
            sleep(delay);
        }
        String scheduleArn = "arn:aws:scheduler:local:000000000000:schedule/" + e.def.groupName() + "/" + e.def.name();
        if (e.def.deadLetterQueue() != null && deadLetter != null) {
            // The attributes Scheduler puts on a DLQ message (configuring-schedule-dlq.html).
            deadLetter.send(e.def.deadLetterQueue(), input, Map.of("ERROR_CODE", "TargetError",
                    "ERROR_MESSAGE", error.length() > 250 ? error.substring(0, 250) : error,
                    "EXECUTION_ID", executionId, "RETRY_ATTEMPTS", Integer.toString(attempt - 1),
                    "TARGET_ARN", e.def.targetArn(), "SCHEDULE_ARN", scheduleArn));
            console.println("[schedules] " + e.def.name() + " failed after " + attempt + " attempt(s) (" + error + "): sent to "
                    + e.def.deadLetterQueue());
        } else {
            console.println("[schedules] " + e.def.name() + " failed after " + attempt + " attempt(s) (" + error
                    + "): the schedule has no DeadLetterConfig, the event is dropped");
        }
        Firing f = new Firing(e.def.name(), scheduledTime, executionId, input, attempt, false, error);
        firings.add(f);
        return f;
    }

    /** A template function runs in process; a template queue gets the Input as its message body. */
    private InvocationResult invoke(Entry e, String target, String input) {
        if (e.def.targetFunction() == null && e.def.targetArn() != null && e.def.targetArn().startsWith("arn:aws:sqs:")) {
            String queue = queueByArn.apply(e.def.targetArn()).orElseThrow(() -> new IllegalStateException(
                    "target " + e.def.targetArn() + " is not a queue of the template"));
            long started = System.nanoTime();
            deadLetter.send(queue, input, Map.of());
            return new InvocationResult(null, null, null, false, Duration.ofNanos(System.nanoTime() - started));
        }
        return invoker.apply(target, input);
    }

    /** retryDelay, doubled per attempt, at most MAX_RETRY_DELAY. */
    private Duration retryDelay(int attempt) {
        Duration d = retryDelay.multipliedBy(1L << Math.min(attempt - 1, 30));
        return d.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : d;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    public List<Firing> firings() {
        synchronized (firings) {
            return List.copyOf(firings);
        }
    }

    void setEnabled(String name, boolean enabled) {
        Entry e = entries.get(name);
        if (e.enabled == enabled) {
            return;
        }
        e.enabled = enabled;
        if (enabled) {
            scheduleNext(e, clock.instant());
        } else if (e.next != null) {
            e.next.cancel(false);
        }
    }

    /** The Scheduler REST-JSON subset, on the emulator. */
    EmulatorResponse handle(EmulatorRequest req) {
        String path = req.path();
        Map<String, String> q = query(req.query());
        if (path.equals("/schedules") && req.method().equals("GET")) {
            String group = q.get("ScheduleGroup");
            ArrayNode list = MAPPER.createArrayNode();
            for (Entry e : entryList()) {
                if (group == null || group.equals(e.def.groupName())) {
                    ObjectNode s = list.addObject();
                    s.put("Name", e.def.name());
                    s.put("GroupName", e.def.groupName());
                    s.put("Arn", arn(e));
                    s.put("State", e.enabled ? "ENABLED" : "DISABLED");
                    s.putObject("Target").put("Arn", e.def.targetArn());
                }
            }
            ObjectNode out = MAPPER.createObjectNode();
            out.set("Schedules", list);
            return EmulatorResponse.json(out);
        }
        if (!path.startsWith("/schedules/")) {
            return EmulatorResponse.jsonError(400, "ValidationException", "unsupported Scheduler path " + path);
        }
        String rest = URLDecoder.decode(path.substring("/schedules/".length()), StandardCharsets.UTF_8);
        boolean fire = rest.endsWith("/fire");
        String name = fire ? rest.substring(0, rest.length() - 5) : rest;
        if (!fire && req.method().equals("POST")) {
            return create(name, req.json());
        }
        Entry e = entries.get(name);
        String group = req.method().equals("PUT") && req.body().length > 0 ? req.json().path("GroupName").asText(null) : q.get("groupName");
        if (e == null || group != null && !group.equals(e.def.groupName())) {
            return EmulatorResponse.jsonError(404, "ResourceNotFoundException", "Schedule " + name + " does not exist.");
        }
        if (fire && req.method().equals("POST")) {
            Firing f = fire(e, clock.instant().truncatedTo(ChronoUnit.SECONDS));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("schedule", f.schedule());
            out.put("scheduled_time", f.scheduledTime().toString());
            out.put("execution_id", f.executionId());
            out.put("attempts", f.attempts());
            out.put("succeeded", f.succeeded());
            out.put("error", f.error());
            return EmulatorResponse.json(out);
        }
        if (req.method().equals("GET")) {
            ObjectNode s = MAPPER.createObjectNode();
            s.put("Name", e.def.name());
            s.put("GroupName", e.def.groupName());
            s.put("Arn", arn(e));
            s.put("ScheduleExpression", e.def.expression());
            s.put("ScheduleExpressionTimezone", e.def.timezone());
            s.put("State", e.enabled ? "ENABLED" : "DISABLED");
            // REST-JSON timestamps are epoch seconds
            if (e.window.start() != null) {
                s.put("StartDate", e.window.start().getEpochSecond());
            }
            if (e.window.end() != null) {
                s.put("EndDate", e.window.end().getEpochSecond());
            }
            s.putObject("FlexibleTimeWindow").put("Mode", "OFF");
            ObjectNode t = s.putObject("Target");
            t.put("Arn", e.def.targetArn());
            t.put("RoleArn", "arn:aws:iam::000000000000:role/local-scheduler");
            if (e.def.input() != null) {
                t.put("Input", e.def.input());
            }
            return EmulatorResponse.json(s);
        }
        if (req.method().equals("PUT")) {
            JsonNode body = req.json();
            setEnabled(name, !"DISABLED".equals(body.path("State").asText("ENABLED")));
            return EmulatorResponse.json(Map.of("ScheduleArn", arn(e)));
        }
        if (req.method().equals("DELETE")) {
            if (entries.remove(name, e) && e.next != null) {
                e.next.cancel(false);
            }
            return EmulatorResponse.json(Map.of());
        }
        return EmulatorResponse.jsonError(400, "ValidationException", req.method() + " " + path + " is not supported locally");
    }

    /** CreateSchedule, with the checks Scheduler makes that matter locally. */
    private EmulatorResponse create(String name, JsonNode body) {
        String group = body.path("GroupName").asText("default");
        if (!NAME.matcher(name).matches()) {
            return EmulatorResponse.jsonError(400, "ValidationException", "Name '" + name + "' must be 1-64 of [0-9a-zA-Z-_.]");
        }
        if (groups != null && !groups.contains(group)) {
            return EmulatorResponse.jsonError(404, "ResourceNotFoundException", "Schedule group " + group + " does not exist.");
        }
        JsonNode target = body.path("Target");
        String targetArn = target.path("Arn").asText(null);
        if (targetArn == null || target.path("RoleArn").asText(null) == null || !body.hasNonNull("FlexibleTimeWindow")
                || !body.hasNonNull("ScheduleExpression")) {
            return EmulatorResponse.jsonError(400, "ValidationException",
                    "ScheduleExpression, FlexibleTimeWindow, Target.Arn and Target.RoleArn are required");
        }
        String action = body.path("ActionAfterCompletion").asText("NONE");
        if (!action.equals("NONE") && !action.equals("DELETE")) {
            return EmulatorResponse.jsonError(400, "ValidationException", "ActionAfterCompletion must be NONE or DELETE");
        }
        String targetFunction = null;
        if (targetArn.startsWith("arn:aws:sqs:")) {
            if (queueByArn.apply(targetArn).isEmpty()) {
                return EmulatorResponse.jsonError(400, "ValidationException",
                        "target " + targetArn + " is not a queue of the template, so the local runtime cannot deliver to it");
            }
        } else {
            return EmulatorResponse.jsonError(400, "ValidationException",
                    "the local runtime accepts created schedules with SQS queue targets only, not " + targetArn);
        }
        JsonNode retry = target.path("RetryPolicy");
        ScheduleDef.RetryPolicy policy = new ScheduleDef.RetryPolicy(
                retry.path("MaximumRetryAttempts").asInt(ScheduleDef.RetryPolicy.DEFAULT.maximumRetryAttempts()),
                retry.path("MaximumEventAgeInSeconds").asInt(ScheduleDef.RetryPolicy.DEFAULT.maximumEventAgeSeconds()));
        String dlqArn = target.path("DeadLetterConfig").path("Arn").asText(null);
        String dlq = null;
        if (dlqArn != null) {
            dlq = queueByArn.apply(dlqArn).orElse(null);
            if (dlq == null) {
                return EmulatorResponse.jsonError(400, "ValidationException", "DeadLetterConfig " + dlqArn + " is not a queue of the template");
            }
        }
        ScheduleDef def;
        Entry e;
        try {
            def = new ScheduleDef(name, name, group, body.path("ScheduleExpression").asText(),
                    body.path("ScheduleExpressionTimezone").asText("UTC"), targetFunction, targetArn,
                    target.hasNonNull("Input") ? target.get("Input").asText() : null,
                    !"DISABLED".equals(body.path("State").asText("ENABLED")), policy, dlq,
                    timestamp(body.get("StartDate")), timestamp(body.get("EndDate")), 0);
            e = new Entry(def, clock.instant().truncatedTo(ChronoUnit.SECONDS), action.equals("DELETE"));
        } catch (IllegalArgumentException | java.time.DateTimeException ex) {
            return EmulatorResponse.jsonError(400, "ValidationException", ex.getMessage());
        }
        if (entries.putIfAbsent(name, e) != null) {
            return EmulatorResponse.jsonError(409, "ConflictException", "Schedule " + name + " already exists.");
        }
        if (e.enabled) {
            scheduleNext(e, clock.instant());
        }
        console.println("[schedules] created " + group + "/" + name + " " + def.expression() + " -> " + targetArn);
        return EmulatorResponse.json(Map.of("ScheduleArn", arn(e)));
    }

    /** A REST-JSON timestamp (epoch seconds, or an ISO 8601 string), or null. */
    private static Instant timestamp(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return Instant.ofEpochMilli(Math.round(v.asDouble() * 1000));
        }
        return java.time.OffsetDateTime.parse(v.asText()).toInstant();
    }

    private List<Entry> entryList() {
        synchronized (entries) {
            return List.copyOf(entries.values());
        }
    }

    private static String arn(Entry e) {
        return "arn:aws:scheduler:local:000000000000:schedule/" + e.def.groupName() + "/" + e.def.name();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int i = kv.indexOf('=');
                if (i > 0) {
                    m.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
