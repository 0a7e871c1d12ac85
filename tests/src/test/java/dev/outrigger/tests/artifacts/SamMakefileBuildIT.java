package dev.outrigger.tests.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.core.Json;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.LocalScheduler;
import dev.outrigger.local.runtime.RuntimeOptions;
import dev.outrigger.local.template.FunctionDef;
import dev.outrigger.local.template.ResourceDef;
import dev.outrigger.testing.LambdaJvm;
import dev.outrigger.testing.MotoServer;
import dev.outrigger.testing.RuntimeApi;
import dev.outrigger.testing.StandInDjango;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@code sam build}, proven without SAM: every function and layer of template.yaml whose Metadata.BuildMethod is
 * makefile is built exactly as SAM's makefile builder builds it ({@link SamMakefileBuild}: the source directory
 * copied to a scratch directory, {@code make --makefile <Makefile> build-<LogicalId>} with ARTIFACTS_DIR), one after
 * the other as {@code sam build} with samconfig.toml's {@code parallel = false}. Then each artifact must hold its
 * handler class where the java21 runtime looks (classes at the artifact's root, jars in {@code lib/}), and each handler
 * runs once as the managed java21 runtime runs it:
 * <ul>
 *   <li>a fresh JVM with the runtime's flags for the function's MemorySize ({@link LambdaJvm#lambdaFlags}), the
 *       runtime interface client ({@value #RIC_MAIN}) as its main class and the template's Handler as its argument,
 *       the artifact as the task root and working directory (the client's class loader reads the task root, its
 *       {@code lib/*.jar}, then {@code /opt/java/lib/*.jar}, the task root being {@code user.dir} and /opt/java a
 *       constant: aws-lambda-java-libs, aws-lambda-java-runtime-interface-client's {@code AWSLambda} and
 *       {@code CustomerClassLoader});</li>
 *   <li>the function's layers where Lambda extracts them, under /opt: a private mount namespace lays each layer's
 *       artifact over /opt (overlayfs), so the layer jar is read from /opt/java/lib as in Lambda. Where user
 *       namespaces are not allowed, the layer jars go in a copy of the task root's lib/ instead, and the test says so;</li>
 *   <li>the environment: what the managed runtime sets ({@link LambdaJvm#managedRuntimeEnv}), then the function's template variables (Globals and its own,
 *       intrinsics resolved as {@code outrigger local up} resolves them), then endpoints of local stand-ins for the
 *       AWS APIs the handler calls: the local runtime's ElasticMQ (SQS) and emulator (SNS, EventBridge Scheduler),
 *       moto (Secrets Manager, where the signing secret lives: the template's SigningSecretArn is the secret moto
 *       made), and Django is a stand-in that checks every signature ({@link StandInDjango}, 401 when wrong);</li>
 *   <li>the event is a sample from events/, served by a Lambda Runtime API emulated on 127.0.0.1 ({@link RuntimeApi}),
 *       and the response the client posts back is asserted, with the number of signed calls Django answered.</li>
 * </ul>
 * It prints each build's copy (files, bytes, time), make time and artifact size. Needs make, python3 with moto
 * ({@code scripts/moto-server}) and Maven on PATH (the Makefile runs it).
 *
 * <p>The build mode is what a plain {@code sam build} uses: {@code build_in_source} of samconfig.toml's default build
 * parameters; {@code -Doutrigger.sambuild.inSource=true|false} overrides it (to compare the two).
 * {@code -Doutrigger.sambuild.project=DIR} builds another checkout of the project (for example a fresh
 * {@code git archive} of it, as CI sees it) instead of this one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamMakefileBuildIT {
    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final Path ROOT = Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize();
    private static final Path PROJECT = Path.of(System.getProperty("outrigger.sambuild.project", ROOT.toString())).toAbsolutePath().normalize();
    /** Under .aws-sam, which SAM leaves out of every copy, as it leaves out its own .aws-sam/build. */
    private static final Path BUILD = PROJECT.resolve(".aws-sam").resolve("it-build");
    private static final Path RIC_LIB = Path.of("target", "ric-lib").toAbsolutePath();
    private static final String SECRET = "sam-build-it-" + UUID.randomUUID();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** What to send each handler, how many signed calls Django must answer, and what the response must show. */
    private record Sample(String event, int djangoCalls, Predicate<JsonNode> response, String expected) {
    }

    private static final Map<String, Sample> SAMPLES = Map.of(
            "dev.outrigger.worker.SqsJobWorkerHandler", new Sample("sqs/django-task.json", 1,
                    r -> r.path("batchItemFailures").isArray() && r.path("batchItemFailures").isEmpty(), "no batch item failures"),
            "dev.outrigger.cutover.MaintenanceToggleHandler", new Sample("cutover/maintenance-on.json", 1,
                    r -> r.path("enabled").asBoolean(false) && r.path("reason").asText().equals("Database cutover in progress"),
                    "maintenance enabled, with the reason"),
            "dev.outrigger.cutover.VerifyWritesHandler", new Sample("cutover/verify-writes.json", 1,
                    r -> r.path("ok").asBoolean(false), "ok: true"),
            "dev.outrigger.cutover.QueuesDrainedHandler", new Sample("cutover/queues-drained.json", 0,
                    r -> r.path("drained").asBoolean(false) && r.path("queues").size() == 2, "both queues drained"),
            "dev.outrigger.schedule.ScheduledHookHandler", new Sample("scheduler/clearsessions-call.json", 1,
                    r -> r.path("status").asInt() == 200, "Django's 200"),
            "dev.outrigger.schedule.ScheduleGroupToggleHandler", new Sample("scheduler/toggle-pause.json", 0,
                    r -> r.path("group").asText().equals("outrigger-dev") && r.path("paused").isArray() && !r.path("paused").isEmpty(),
                    "the group's enabled schedules paused"),
            "dev.outrigger.ops.DlqRedriveHandler", new Sample("ops/redrive-status.json", 0,
                    r -> r.path("mode").asText().equals("status") && r.path("queue").asText().equals("outrigger-dev-jobs-default-dlq"),
                    "the DLQ's status"),
            "dev.outrigger.ops.AlarmNotificationHandler", new Sample("alarms/worker-errors.json", 0,
                    r -> !r.path("messageId").asText().isEmpty() && r.path("kind").asText().equals("WORKER_ERRORS"),
                    "the ops topic's message id, kind WORKER_ERRORS"));

    private final Map<String, SamMakefileBuild.Result> built = new LinkedHashMap<>();
    private final ByteArrayOutputStream runtimeConsole = new ByteArrayOutputStream();
    private List<SamMakefileBuild.Resource> resources;
    private MotoServer moto;
    private StandInDjango django;
    private LocalRuntime rt;
    private Set<String> createdLayers;
    private boolean mountNamespaces;

    @BeforeAll
    void buildEverything_thenStartTheStandIns() throws Exception {
        Path template = PROJECT.resolve("template.yaml");
        resources = SamMakefileBuild.makefileResources(template);
        String override = System.getProperty("outrigger.sambuild.inSource", "");
        boolean inSource = override.isBlank() ? SamMakefileBuild.buildInSource(PROJECT.resolve("samconfig.toml")) : Boolean.parseBoolean(override);
        long start = System.nanoTime();
        for (SamMakefileBuild.Resource r : resources) {
            built.put(r.logicalId(), SamMakefileBuild.build(PROJECT, r, BUILD, inSource));
        }
        Duration total = Duration.ofNanos(System.nanoTime() - start);
        printBuilds(total, inSource);

        moto = MotoServer.start(ROOT);
        String secretArn;
        try (SecretsManagerClient sm = SecretsManagerClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            secretArn = sm.createSecret(b -> b.name("outrigger/dev/signing").secretString(SECRET)).arn();
        }
        django = StandInDjango.start(SECRET, request -> StandInDjango.Answer.json(200, "{\"ok\":true}"));
        // The template as `local up` reads it, with the two parameters a deploy sets: where Django is, and the secret.
        // The runtime's own in-process functions (its scheduler fires the template's schedules) get a Django that
        // answers nothing and a literal secret, so only the JVMs started here reach the stand-in.
        rt = LocalRuntime.start(RuntimeOptions.builder(template).port(0).pollers(false).serviceLoaderExtensions(false)
                .extension(new LocalScheduler()).stopGrace(Duration.ofSeconds(1)).console(new PrintStream(runtimeConsole, true))
                .parameter("DjangoBaseUrl", django.baseUrl().toString()).parameter("SigningSecretArn", secretArn)
                .env("DJANGO_BASE_URL", "http://127.0.0.1:9/internal/outrigger/").env("OUTRIGGER_SIGNING_SECRET", "in-process-only")
                .env("OUTRIGGER_SIGNING_SECRET_ARN", "")
                .build());
        createdLayers = rt.template().notEmulated().stream().filter(r -> r.type().equals("AWS::Serverless::LayerVersion"))
                .map(ResourceDef::logicalId).collect(Collectors.toSet());
        mountNamespaces = canMountOverOpt();
        if (!mountNamespaces) {
            System.out.println("SamMakefileBuildIT: no user + mount namespaces here (unshare); layer jars go in the task root's lib/"
                    + " instead of /opt/java/lib");
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (rt != null) {
            rt.close();
        }
        if (django != null) {
            django.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void everyFunctionOfTheTemplate_isBuiltByItsMakefile() throws IOException {
        List<String> functions = SamMakefileBuild.functionIds(PROJECT.resolve("template.yaml"));
        assertThat(functions).hasSizeGreaterThanOrEqualTo(9);
        assertThat(built.keySet()).containsAll(functions);
        assertThat(resources).filteredOn(SamMakefileBuild.Resource::isLayer).extracting(SamMakefileBuild.Resource::logicalId)
                .contains("SecretsManagerSecretLayer", "SsmSecretLayer");
    }

    @Test
    void everyArtifact_holdsWhatItsRuntimeLoads() throws IOException {
        for (SamMakefileBuild.Result b : built.values()) {
            if (b.resource().isLayer()) {
                // A Java layer's jars are read from /opt/java/lib: the artifact is extracted to /opt.
                assertThat(jars(b.artifactsDir().resolve("java/lib"))).as(b.resource().logicalId() + ": java/lib/*.jar").isNotEmpty();
                continue;
            }
            String handlerClass = handlerClass(b.resource()).replace('.', '/') + ".class";
            boolean atRoot = Files.isRegularFile(b.artifactsDir().resolve(handlerClass));
            boolean inLib = false;
            for (Path jar : jars(b.artifactsDir().resolve("lib"))) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    inLib |= zip.getEntry(handlerClass) != null;
                }
            }
            assertThat(atRoot || inLib).as("%s: %s at the artifact's root or in lib/*.jar (%s)", b.resource().logicalId(), handlerClass,
                    listing(b.artifactsDir())).isTrue();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyHandler_runsOnce_throughTheRuntimeInterfaceClient() {
        return resources.stream().filter(r -> !r.isLayer())
                .map(r -> DynamicTest.dynamicTest(r.logicalId(), () -> runOnce(r)));
    }

    private void runOnce(SamMakefileBuild.Resource r) throws Exception {
        Sample sample = SAMPLES.get(handlerClass(r));
        assertThat(sample).as("a sample event for %s (%s) in SamMakefileBuildIT.SAMPLES", r.logicalId(), r.handler()).isNotNull();
        FunctionDef def = rt.template().functions().get(r.logicalId());
        byte[] event = localQueueUrls(Files.readString(ROOT.resolve("events").resolve(sample.event()))).getBytes(StandardCharsets.UTF_8);

        List<Path> layers = r.layerNames().stream().filter(createdLayers::contains).map(id -> built.get(id).artifactsDir()).toList();
        Path taskRoot = built.get(r.logicalId()).artifactsDir();
        if (!layers.isEmpty() && !mountNamespaces) {
            taskRoot = taskRootWithLayersInLib(r.logicalId(), taskRoot, layers);
        }
        String requestId = UUID.randomUUID().toString();
        long callsBefore = django.calls().size();
        long rejectedBefore = django.badSignatures();
        try (RuntimeApi api = new RuntimeApi(event, requestId, def.arn(), def.timeoutSeconds() * 1000L)) {
            Map<String, String> env = new LinkedHashMap<>(LambdaJvm.managedRuntimeEnv(def.handler(), def.name(), def.memorySizeMb(),
                    rt.template().endpoints().region(), taskRoot, RIC_LIB));
            env.put("AWS_LAMBDA_RUNTIME_API", api.address());
            env.putAll(def.environment());
            env.put("AWS_ENDPOINT_URL", rt.emulatorEndpoint().toString());
            env.put("AWS_ENDPOINT_URL_SQS", rt.sqsEndpoint().toString());
            env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.endpoint());

            List<String> command = new ArrayList<>();
            if (!layers.isEmpty() && mountNamespaces) {
                command.addAll(overOpt(layers));
            }
            command.add(JAVA);
            command.addAll(LambdaJvm.lambdaFlags(def.memorySizeMb()));
            command.addAll(List.of("-cp", ricClasspath(), RIC_MAIN, r.handler()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true);
            String path = builder.environment().getOrDefault("PATH", "/usr/bin:/bin");
            builder.environment().clear();   // as in Lambda: only what the function is configured with
            builder.environment().put("PATH", path);
            builder.environment().putAll(env);
            Process process = builder.start();
            StringBuffer output = new StringBuffer();
            Thread.ofVirtual().start(() -> {
                try (var in = process.getInputStream()) {
                    output.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the process was ended
                }
            });
            try {
                RuntimeApi.Outcome outcome = api.await(process, Duration.ofMinutes(2), output);
                assertThat(outcome.ok()).as("%s failed: %s%n%s", r.logicalId(), outcome.error(), LambdaJvm.tail(output.toString(), 40)).isTrue();
                JsonNode response = Json.MAPPER.readTree(outcome.response());
                System.out.printf("SamMakefileBuildIT: %-28s %-48s -> %s%n", r.logicalId(), sample.event(), abbreviate(outcome.responseText()));
                assertThat(sample.response().test(response)).as("%s answered %s, expected %s", r.logicalId(), outcome.responseText(),
                        sample.expected()).isTrue();
                assertThat(django.calls().size() - callsBefore).as(r.logicalId() + ": calls Django answered").isEqualTo(sample.djangoCalls());
                assertThat(django.badSignatures() - rejectedBefore).as(r.logicalId() + ": calls with a bad signature").isZero();
            } finally {
                process.destroyForcibly();   // Lambda freezes the environment; here it ends
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A private user and mount namespace in which each layer's artifact lies over /opt (a read-only overlay, the first
     * layer on top), so the runtime interface client reads the layer jars from /opt/java/lib, as in Lambda. The host's
     * /opt is unchanged.
     */
    private static List<String> overOpt(List<Path> layers) {
        String lower = layers.stream().map(Path::toString).collect(Collectors.joining(":"));
        return List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                "lower=$1; shift; mount -t overlay overlay -o \"lowerdir=$lower:/opt\" /opt && exec \"$@\"", "sh", lower);
    }

    private static boolean canMountOverOpt() {
        try {
            Path probe = Files.createTempDirectory("sam-layer-probe-");
            Files.createDirectories(probe.resolve("java/lib"));
            List<String> command = new ArrayList<>(overOpt(List.of(probe)));
            command.addAll(List.of("test", "-d", "/opt/java/lib"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            Files.delete(probe.resolve("java/lib"));
            Files.delete(probe.resolve("java"));
            Files.delete(probe);
            return ok;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Without namespaces: a copy of the task root whose lib/ also holds the layers' java/lib jars. */
    private static Path taskRootWithLayersInLib(String id, Path artifact, List<Path> layers) throws IOException {
        Path root = Path.of("target", "sam-task-roots", id).toAbsolutePath();
        Files.createDirectories(root.resolve("lib"));
        List<Path> jars = new ArrayList<>(jars(artifact.resolve("lib")));
        for (Path layer : layers) {
            jars.addAll(jars(layer.resolve("java/lib")));
        }
        for (Path jar : jars) {
            Files.copy(jar, root.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return root;
    }

    /** The sample's queue URLs (e.g. https://sqs.…/123456789012/outrigger-dev-jobs-default) as the local queues' URLs. */
    private String localQueueUrls(String json) throws IOException {
        JsonNode tree = Json.MAPPER.readTree(json);
        if (tree instanceof ObjectNode o && o.get("queues") instanceof ArrayNode queues) {
            ArrayNode local = Json.MAPPER.createArrayNode();
            for (JsonNode q : queues) {
                String name = q.asText().substring(q.asText().lastIndexOf('/') + 1);
                local.add(rt.queueUrl(name));
            }
            o.set("queues", local);
            return Json.MAPPER.writeValueAsString(o);
        }
        return json;
    }

    private static String ricClasspath() throws IOException {
        List<Path> jars = jars(RIC_LIB);
        assertThat(jars).as("the runtime interface client in " + RIC_LIB + " (mvn package copies it)").isNotEmpty();
        return jars.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static String handlerClass(SamMakefileBuild.Resource r) {
        return r.handler().contains("::") ? r.handler().substring(0, r.handler().indexOf("::")) : r.handler();
    }

    private void printBuilds(Duration total, boolean inSource) {
        System.out.printf("SamMakefileBuildIT: sam build%s of %s, each resource as SAM's makefile builder does it%n",
                inSource ? " --build-in-source" : "", PROJECT);
        System.out.printf("  %-28s %9s %11s %9s %9s %12s%n", "resource", "copied", "bytes", "copy ms", "make ms", "artifact");
        long files = 0;
        long bytes = 0;
        for (SamMakefileBuild.Result b : built.values()) {
            System.out.printf("  %-28s %9d %11d %9d %9d %12d%n", b.resource().logicalId(), b.copiedFiles(), b.copiedBytes(),
                    b.copy().toMillis(), b.make().toMillis(), b.artifactBytes());
            files += b.copiedFiles();
            bytes += b.copiedBytes();
        }
        System.out.printf("  %-28s %9d %11d   total %.1f s%n", "all", files, bytes, total.toMillis() / 1000.0);
    }

    private static List<Path> jars(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static String listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> dir.relativize(p).toString()).filter(s -> !s.isEmpty()).limit(20).collect(Collectors.joining(", "));
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 157) + "...";
    }
}
