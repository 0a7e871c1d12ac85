package dev.outrigger.local.runtime;

import dev.outrigger.local.template.AlarmDef;
import dev.outrigger.local.template.LocalTemplate;
import dev.outrigger.local.template.QueueDef;
import dev.outrigger.local.template.TopicDef;
import dev.outrigger.ops.AlarmFormatter;
import dev.outrigger.ops.AlarmMessage;
import dev.outrigger.ops.AlarmNotifier;
import dev.outrigger.ops.AlarmStateChange;
import dev.outrigger.ops.DlqInspector;
import dev.outrigger.ops.Queues;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Evaluates the template's SQS alarms on the embedded queues every few seconds and, on a state change, publishes
 * the same message the AlarmNotifierFunction sends in AWS to the local ops topic (so it lands in the SNS sink).
 *
 * <p>Locally a "period" is one evaluation tick (default 5 s, OUTRIGGER_ALARM_INTERVAL_S) so alarm → inspect →
 * redrive can be shown in seconds. Evaluated metrics: ApproximateNumberOfMessagesVisible (the queue attribute) and
 * ApproximateAgeOfOldestMessage for queues without a RedrivePolicy (computed from a peek's SentTimestamp; peeking a
 * queue with a RedrivePolicy would count towards maxReceiveCount, so those age alarms are listed as not evaluated).
 * Alarms on other namespaces (Lambda, States, Scheduler, the EMF metrics) need CloudWatch and are not evaluated.
 */
public final class LocalAlarmEvaluator implements RuntimeExtension {
    static final String VISIBLE = "ApproximateNumberOfMessagesVisible";
    static final String AGE = "ApproximateAgeOfOldestMessage";

    private final Duration interval;
    private final Clock clock;
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private ScheduledExecutorService timer;
    private SqsClient sqs;
    private SnsClient sns;
    private AlarmNotifier notifier;
    private LocalTemplate template;
    private PrintStream console;

    /** One alarm's state and its last datapoints. */
    static final class Tracked {
        final AlarmDef def;
        final QueueDef queue;
        final Deque<Boolean> breaches = new ArrayDeque<>();
        String state = "INSUFFICIENT_DATA";
        double last;

        Tracked(AlarmDef def, QueueDef queue) {
            this.def = def;
            this.queue = queue;
        }
    }

    /** A transition the evaluator published. */
    public record Transition(String alarmName, String from, String to, double value, AlarmMessage message) {
    }

    public LocalAlarmEvaluator() {
        this(Duration.ofSeconds(Long.parseLong(Optional.ofNullable(System.getenv("OUTRIGGER_ALARM_INTERVAL_S")).orElse("5"))),
                Clock.systemUTC());
    }

    public LocalAlarmEvaluator(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "alarms";
    }

    @Override
    public void start(LocalRuntime runtime) {
        this.template = runtime.template();
        this.console = runtime.console();
        this.sqs = runtime.sqs();
        this.sns = SnsClient.builder().endpointOverride(runtime.emulatorEndpoint())
                .region(Region.of(template.endpoints().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        Optional<String> topic = opsTopic(template);
        for (AlarmDef a : template.alarms()) {
            Optional<QueueDef> q = "AWS/SQS".equals(a.namespace()) && a.metrics().isEmpty()
                    ? Optional.ofNullable(a.dimensions().get("QueueName")).flatMap(template::queue) : Optional.empty();
            if (q.isEmpty() || !(VISIBLE.equals(a.metricName()) || AGE.equals(a.metricName()))) {
                skipped.add(a.logicalId());
            } else if (AGE.equals(a.metricName()) && q.get().redrive() != null) {
                skipped.add(a.logicalId() + " (age of a queue with a RedrivePolicy)");
            } else {
                tracked.put(a.logicalId(), new Tracked(a, q.get()));
            }
        }
        if (topic.isEmpty() || tracked.isEmpty()) {
            return;   // nothing to evaluate or nowhere to send it
        }
        Queues queues = new Queues(sqs);
        this.notifier = new AlarmNotifier(sns, topic.get(), new DlqInspector(sqs), name -> template.queue(name).map(QueueDef::url)
                .orElseGet(() -> queues.url(name)), AlarmFormatter.Target.local());
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outrigger-alarms");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                evaluateOnce();
            } catch (RuntimeException e) {
                console.println("[alarms] evaluation failed: " + e.getMessage());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String describe() {
        if (tracked.isEmpty()) {
            return null;
        }
        // Alarms on Lambda, Step Functions, Scheduler and EMF metrics need CloudWatch: counted, not listed.
        List<String> ages = skipped.stream().filter(s -> s.contains("RedrivePolicy")).toList();
        return "alarms: " + tracked.size() + " SQS alarm(s) evaluated every " + interval.toSeconds() + " s -> ops topic; "
                + (skipped.size() - ages.size()) + " need CloudWatch and are not evaluated locally"
                + (ages.isEmpty() ? "" : "; nor " + String.join(", ", ages));
    }

    /** The ops topic: the template's OpsTopic, else the topic the alarms' actions name. */
    static Optional<String> opsTopic(LocalTemplate t) {
        TopicDef ops = t.topics().get("OpsTopic");
        if (ops != null) {
            return Optional.of(ops.arn());
        }
        return t.alarms().stream().flatMap(a -> a.alarmActions().stream()).filter(a -> a.startsWith("arn:aws:sns:")).findFirst();
    }

    /** Evaluates every tracked alarm once; publishes and returns the transitions. */
    public synchronized List<Transition> evaluateOnce() {
        List<Transition> out = new ArrayList<>();
        for (Tracked t : tracked.values()) {
            double value = measure(t);
            t.last = value;
            t.breaches.addLast(breaches(t.def.comparisonOperator(), value, t.def.threshold()));
            while (t.breaches.size() > Math.max(1, t.def.evaluationPeriods())) {
                t.breaches.removeFirst();
            }
            long breaching = t.breaches.stream().filter(b -> b).count();
            int needed = Math.max(1, t.def.datapointsToAlarm() > 0 ? t.def.datapointsToAlarm() : t.def.evaluationPeriods());
            String next = breaching >= needed ? "ALARM" : "OK";
            if (next.equals(t.state)) {
                continue;
            }
            String previous = t.state;
            t.state = next;
            // Starting up OK is not news; everything else is.
            if (previous.equals("INSUFFICIENT_DATA") && next.equals("OK")) {
                continue;
            }
            AlarmStateChange change = change(t, previous, value);
            AlarmMessage message = notifier.format(change);
            notifier.publish(message);
            out.add(new Transition(t.def.name(), previous, next, value, message));
        }
        return out;
    }

    public synchronized Map<String, String> states() {
        Map<String, String> out = new LinkedHashMap<>();
        tracked.values().forEach(t -> out.put(t.def.name(), t.state));
        return out;
    }

    private AlarmStateChange change(Tracked t, String previous, double value) {
        AlarmDef d = t.def;
        String reason = String.format("Threshold Crossed (local evaluation): %d of the last %d datapoints breached; latest %s %s %s",
                t.breaches.stream().filter(b -> b).count(), t.breaches.size(), fmt(value), op(d.comparisonOperator()), fmt(d.threshold()));
        return new AlarmStateChange(d.name(), template.endpoints().arn("cloudwatch", "alarm:" + d.name()), null,
                template.endpoints().accountId(), template.endpoints().region(), t.state, previous, reason,
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                d.threshold(), d.comparisonOperator(), List.of(value), d.namespace(), d.metricName(), d.dimensions(),
                d.statistic(), d.periodSeconds(), false, List.of(d.namespace()));
    }

    private double measure(Tracked t) {
        String url = t.queue.url();
        if (VISIBLE.equals(t.def.metricName())) {
            return Double.parseDouble(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    .attributes().getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
        }
        // Age: the oldest SentTimestamp among a peek (visibility 0: nothing stays hidden).
        List<Message> peek = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
        long oldest = peek.stream().map(m -> m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP))
                .filter(java.util.Objects::nonNull).mapToLong(Long::parseLong).min().orElse(clock.millis());
        return Math.max(0, (clock.millis() - oldest) / 1000.0);
    }

    static boolean breaches(String op, double value, double threshold) {
        return switch (op == null ? "GreaterThanThreshold" : op) {
            case "GreaterThanOrEqualToThreshold" -> value >= threshold;
            case "LessThanThreshold" -> value < threshold;
            case "LessThanOrEqualToThreshold" -> value <= threshold;
            default -> value > threshold;
        };
    }

    private static String op(String op) {
        return switch (op == null ? "" : op) {
            case "GreaterThanOrEqualToThreshold" -> ">=";
            case "LessThanThreshold" -> "<";
            case "LessThanOrEqualToThreshold" -> "<=";
            default -> ">";
        };
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (sns != null) {
            sns.close();
        }
    }

}
