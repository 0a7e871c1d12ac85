package dev.outrigger.local.runtime;

import dev.outrigger.core.Env;
import dev.outrigger.local.template.FunctionDef;
import dev.outrigger.local.template.LocalEndpoints;
import dev.outrigger.local.template.LocalTemplate;
import dev.outrigger.local.template.QueueDef;
import dev.outrigger.local.template.SqsEventSource;
import dev.outrigger.local.template.TemplateException;
import dev.outrigger.local.template.TopicDef;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The whole control plane in this JVM: ElasticMQ with the template's queues, every function loaded in-process
 * with its template environment, a Lambda-like poller per SQS event source, and the AWS emulator (SNS, EventBridge,
 * Lambda's Invoke API for the template's functions, Step Functions for its state machines, plus whatever {@link RuntimeExtension}s register). Start it, use it, close it:
 * <pre>{@code
 * try (LocalRuntime rt = LocalRuntime.start(RuntimeOptions.builder(Path.of("template.yaml")).port(0).build())) {
 *     rt.sqs().sendMessage(b -> b.queueUrl(rt.queueUrl("JobsQueue")).messageBody(json));
 * }
 * }</pre>
 * close() stops the pollers first (in-flight messages go back to their queues), then the servers.
 */
public final class LocalRuntime implements AutoCloseable {
    private final RuntimeOptions options;
    private final LocalTemplate template;
    private final EmbeddedSqs embeddedSqs;
    private final AwsEmulator emulator;
    private final SqsClient sqs;
    private final Sink snsSink;
    private final Sink eventsSink;
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final List<SqsEventSourcePoller> pollers = new ArrayList<>();
    private final List<RuntimeExtension> extensions = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final EnvFiles envFiles;
    private StepFunctionsEmulator stepFunctions;
    private volatile boolean closed;

    private LocalRuntime(RuntimeOptions options, LocalTemplate template, EmbeddedSqs embeddedSqs, AwsEmulator emulator, EnvFiles envFiles) {
        this.options = options;
        this.template = template;
        this.embeddedSqs = embeddedSqs;
        this.emulator = emulator;
        this.envFiles = envFiles;
        this.sqs = localSqsClient(embeddedSqs.endpoint(), template.endpoints().region());
        Path sinkDir = options.dataDir() != null ? options.dataDir()
                : Optional.ofNullable(options.template().toAbsolutePath().getParent()).orElse(Path.of(".")).resolve(".outrigger");
        this.snsSink = new Sink("sns", sinkDir.resolve("sns.jsonl"), options.console());
        this.eventsSink = new Sink("events", sinkDir.resolve("events.jsonl"), options.console());
    }

    /**
     * Loads the template and starts everything. Throws {@link TemplateException} for a bad template,
     * {@link EnvFiles.EnvFileException} for a bad env file, {@link LocalFunction.HandlerLoadException} for a handler
     * that cannot be loaded, and IllegalStateException when a port is taken.
     */
    public static LocalRuntime start(RuntimeOptions options) {
        // On free ports (port 0) the ports are picked before anything binds them, because the template's URLs and ARNs
        // need them first; another process may take one in between. Then pick again, a few times.
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(options);
            } catch (IllegalStateException e) {
                if (options.port() != 0 || attempt == FREE_PORT_ATTEMPTS || !bindFailure(e)) {
                    throw e;
                }
            }
        }
    }

    private static final int FREE_PORT_ATTEMPTS = 5;

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static LocalRuntime startOnce(RuntimeOptions options) {
        EnvFiles envFiles = options.envFile() == null ? EnvFiles.none() : EnvFiles.read(options.envFile());
        int sqsPort = options.port() == 0 ? Ports.free() : options.port();
        int emulatorPort = options.port() == 0 ? Ports.free() : options.port() + 1;
        LocalEndpoints endpoints = LocalEndpoints.of(sqsPort, emulatorPort, options.region());
        LocalTemplate template = LocalTemplate.load(options.template(), options.parameters(), endpoints);
        EmbeddedSqs embedded;
        try {
            embedded = EmbeddedSqs.start(sqsPort, endpoints.region(), endpoints.accountId(), options.dataDir());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start SQS (ElasticMQ) on 127.0.0.1:" + sqsPort + ": " + rootMessage(e)
                    + (options.port() != 0 ? " (is another `outrigger local up` running? try --port)" : ""), e);
        }
        AwsEmulator emulator;
        try {
            emulator = AwsEmulator.start(emulatorPort);
        } catch (IOException e) {
            embedded.close();
            throw new IllegalStateException("cannot start the AWS emulator on 127.0.0.1:" + emulatorPort + ": " + e.getMessage(), e);
        }
        LocalRuntime runtime = new LocalRuntime(options, template, embedded, emulator, envFiles);
        try {
            runtime.boot();
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    private void boot() {
        createQueues();
        Map<String, URI> snsForwards = new LinkedHashMap<>();
        options.snsForwards().forEach((topic, url) -> snsForwards.put(topicArn(topic), url));
        emulator.register("sns", new SnsEmulator(template, snsSink, sqs, snsForwards));
        emulator.register("events", new EventBridgeEmulator(eventsSink, template.endpoints(), options.eventForwards()));
        FunctionEnvironment environment = new FunctionEnvironment(template.endpoints().region(), emulator.endpoint(),
                embeddedSqs.endpoint(), envFiles, options.envOverrides());
        for (FunctionDef f : template.functions().values()) {
            functions.put(f.logicalId(), new LocalFunction(f, Env.of(environment.of(f)), options.console()));
        }
        emulator.register("lambda", new LambdaEmulator(template, (f, event) -> functions.get(f.logicalId()).invoke(event),
                options.console()));
        stepFunctions = new StepFunctionsEmulator(template, (name, event) -> template.functions().values().stream()
                .filter(f -> f.name().equals(name)).findFirst().map(f -> functions.get(f.logicalId()).invoke(event)), options.console());
        emulator.register("states", stepFunctions);
        if (options.pollers()) {
            for (LocalFunction fn : functions.values()) {
                for (SqsEventSource source : fn.def().sqsEventSources()) {
                    if (!source.enabled()) {
                        continue;
                    }
                    if (source.filterCriteria() != null) {
                        warnings.add("function " + fn.def().logicalId() + " event " + source.name()
                                + ": FilterCriteria is not applied locally (every message is delivered)");
                    }
                    fn.instance();   // fail at start, naming the function, rather than on the first message
                    SqsEventSourcePoller poller = new SqsEventSourcePoller(fn, source, template.queues().get(source.queue()), sqs, options.console());
                    pollers.add(poller);
                }
            }
            pollers.forEach(SqsEventSourcePoller::start);
        }
        List<RuntimeExtension> all = new ArrayList<>(options.extensions());
        if (options.serviceLoaderExtensions()) {
            ServiceLoader.load(RuntimeExtension.class).forEach(all::add);
        }
        for (RuntimeExtension ext : all) {
            try {
                ext.start(this);
                extensions.add(ext);
            } catch (Exception e) {
                throw new IllegalStateException("runtime extension " + ext.name() + " failed to start: " + e.getMessage(), e);
            }
        }
    }

    private String topicArn(String topic) {
        for (TopicDef t : template.topics().values()) {
            if (t.logicalId().equals(topic) || t.name().equals(topic) || t.arn().equals(topic)) {
                return t.arn();
            }
        }
        throw new IllegalArgumentException("--sns-forward: " + topic + " is not a topic of " + template.path()
                + " (topics: " + String.join(", ", template.topics().keySet()) + ")");
    }

    /** DLQs first, so each RedrivePolicy can name an existing queue. */
    private void createQueues() {
        List<QueueDef> ordered = new ArrayList<>();
        template.queues().values().stream().filter(q -> q.redrive() == null).forEach(ordered::add);
        template.queues().values().stream().filter(q -> q.redrive() != null).forEach(ordered::add);
        for (QueueDef q : ordered) {
            Map<QueueAttributeName, String> attrs = new LinkedHashMap<>();
            attrs.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(q.visibilityTimeoutSeconds()));
            attrs.put(QueueAttributeName.DELAY_SECONDS, String.valueOf(q.delaySeconds()));
            attrs.put(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, String.valueOf(q.receiveMessageWaitTimeSeconds()));
            attrs.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(q.messageRetentionPeriodSeconds()));
            attrs.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, String.valueOf(q.maximumMessageSizeBytes()));
            if (q.redrive() != null) {
                QueueDef dlq = template.queues().get(q.redrive().deadLetterQueue());
                attrs.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlq.arn() + "\",\"maxReceiveCount\":\""
                        + q.redrive().maxReceiveCount() + "\"}");
            }
            Map<QueueAttributeName, String> createAttrs = new LinkedHashMap<>(attrs);
            if (q.fifo()) {
                createAttrs.put(QueueAttributeName.FIFO_QUEUE, "true");
                createAttrs.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, String.valueOf(q.contentBasedDeduplication()));
            }
            try {
                sqs.createQueue(b -> b.queueName(q.name()).attributes(createAttrs));
            } catch (QueueNameExistsException e) {
                // Restored from --data-dir with other attributes: the template wins.
                sqs.setQueueAttributes(b -> b.queueUrl(q.url()).attributes(attrs));
            } catch (SqsException e) {
                throw new TemplateException(template.path().toString(), q.line(), "resource " + q.logicalId(),
                        "ElasticMQ refused the queue: " + e.awsErrorDetails().errorMessage());
            }
        }
    }

    static SqsClient localSqsClient(URI endpoint, String region) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    // ------------------------------------------------------------------------------------------------ accessors

    public LocalTemplate template() {
        return template;
    }

    public RuntimeOptions options() {
        return options;
    }

    /** The ElasticMQ endpoint, e.g. http://127.0.0.1:9324 (pass it to --endpoint-url). */
    public URI sqsEndpoint() {
        return embeddedSqs.endpoint();
    }

    /** The emulator endpoint for SNS, EventBridge and extension APIs. */
    public URI emulatorEndpoint() {
        return emulator.endpoint();
    }

    public AwsEmulator emulator() {
        return emulator;
    }

    /** An SQS client for the local ElasticMQ (owned by the runtime; don't close it). */
    public SqsClient sqs() {
        return sqs;
    }

    public String queueUrl(String logicalIdOrName) {
        return template.queue(logicalIdOrName).map(QueueDef::url)
                .orElseThrow(() -> new IllegalArgumentException("no queue " + logicalIdOrName + " in " + template.path()));
    }

    public Map<String, LocalFunction> functions() {
        return Collections.unmodifiableMap(functions);
    }

    /** A function by logical id, name or ARN (as a state machine's Task Resource names it). */
    public Optional<LocalFunction> function(String idNameOrArn) {
        return template.function(idNameOrArn).map(f -> functions.get(f.logicalId()));
    }

    /** Invokes a function once (synchronously, with its Timeout), as Lambda's Invoke API would. */
    public InvocationResult invoke(String functionIdNameOrArn, String eventJson) {
        LocalFunction fn = function(functionIdNameOrArn)
                .orElseThrow(() -> new IllegalArgumentException("no function " + functionIdNameOrArn + " in " + template.path()));
        return fn.invoke(eventJson);
    }

    public List<SqsEventSourcePoller> pollers() {
        return Collections.unmodifiableList(pollers);
    }

    public List<RuntimeExtension> extensions() {
        return Collections.unmodifiableList(extensions);
    }

    public Sink snsSink() {
        return snsSink;
    }

    public Sink eventsSink() {
        return eventsSink;
    }

    /** Things the runtime does differently from AWS for this template (shown by `local up`). */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    public PrintStream console() {
        return options.console();
    }

    /**
     * Stops extensions, then pollers (waiting up to stopGrace for in-flight invocations and releasing whatever is
     * left), then the emulator and ElasticMQ. Returns the number of messages released back to their queues.
     */
    public synchronized int stop() {
        if (closed) {
            return 0;
        }
        closed = true;
        for (int i = extensions.size() - 1; i >= 0; i--) {
            try {
                extensions.get(i).close();
            } catch (Exception e) {
                options.console().println("extension " + extensions.get(i).name() + " did not stop cleanly: " + e.getMessage());
            }
        }
        int released = 0;
        for (SqsEventSourcePoller p : pollers) {
            released += p.stop(options.stopGrace());
        }
        if (stepFunctions != null) {
            stepFunctions.close();
        }
        functions.values().forEach(LocalFunction::close);
        sqs.close();
        emulator.close();
        embeddedSqs.close();
        return released;
    }

    @Override
    public void close() {
        stop();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Convenience for tests: start with an ephemeral port, no ServiceLoader extensions, a short stop grace. */
    public static LocalRuntime startForTest(Path template, PrintStream console) {
        return start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false).stopGrace(Duration.ofSeconds(5))
                .console(console).build());
    }
}
