package dev.outrigger.tests.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.outrigger.local.template.LocalEndpoints;
import dev.outrigger.local.template.LocalTemplate;
import dev.outrigger.local.template.ResourceDef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * What {@code sam build} ships, checked on the artifacts themselves: every function and layer of template.yaml
 * staged by the root Makefile ({@code make stage-<LogicalId>}, the step every {@code build-<LogicalId>} target ends
 * with) from the jars this build made. Each function jar holds its handler and the clients its handler builds, and
 * no signing-secret client; each layer holds its store and its service's client only; the template gives every
 * signing function exactly the layer that matches SigningSecretArn; and a signing function's jar plus either layer,
 * in a class loader of their own as Lambda builds one, reads the secret from that service (moto's Secrets Manager and
 * SSM, the real wire protocols), while the other layer refuses the ARN and names what is missing.
 *
 * <p>Needs the function and layer jars (the reactor builds them before this module; alone: {@code make functions}),
 * make, and python3 with moto ({@code scripts/moto-server}).
 */
class FunctionArtifactsIT {
    private static final Path ROOT = Path.of(System.getProperty("outrigger.root", "..")).toAbsolutePath().normalize();
    private static final Path STAGED = Path.of("target", "artifacts").toAbsolutePath();
    private static final List<String> SECRET_CLIENTS = List.of("software/amazon/awssdk/services/secretsmanager/",
            "software/amazon/awssdk/services/ssm/");
    private static final Map<String, String> HANDLERS = new LinkedHashMap<>();
    private static final List<String> LAYERS = new ArrayList<>();
    /** Functions whose policy may read the signing secret: the ones that sign calls to Django. */
    private static final List<String> SIGNERS = new ArrayList<>();
    private static final Map<String, String> LAYER_CHOICE = new LinkedHashMap<>();

    private static Process moto;
    private static String motoEndpoint;

    @BeforeAll
    static void stageEverything() throws Exception {
        readTemplate();
        for (String id : Stream.concat(HANDLERS.keySet().stream(), LAYERS.stream()).toList()) {
            Process make = new ProcessBuilder("make", "--no-print-directory", "stage-" + id, "ARTIFACTS_DIR=" + STAGED.resolve(id))
                    .directory(ROOT.toFile()).redirectErrorStream(true).start();
            String out = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(make.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(make.exitValue()).as("make stage-%s (build the jars first: make functions)%n%s", id, out).isZero();
        }
        moto = new ProcessBuilder("python3", ROOT.resolve("scripts/moto-server").toString()).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(moto.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = lines.readLine()) != null && !line.startsWith("PORT ")) {
            seen.append(line).append('\n');
        }
        assertThat(line).as("scripts/moto-server did not start:%n%s", seen).isNotNull();
        motoEndpoint = "http://127.0.0.1:" + line.substring(5).trim();
        Thread.ofVirtual().start(() -> {
            try {
                lines.transferTo(java.io.Writer.nullWriter());
            } catch (IOException e) {
                // moto stopped
            }
        });
    }

    @AfterAll
    static void stopMoto() throws Exception {
        if (moto != null) {
            moto.getOutputStream().close();
            if (!moto.waitFor(10, TimeUnit.SECONDS)) {
                moto.destroyForcibly();
            }
        }
    }

    @Test
    void everyFunction_shipsOneJar_withItsHandler_andNoSecretClient() throws IOException {
        assertThat(HANDLERS).hasSizeGreaterThanOrEqualTo(9);
        for (Map.Entry<String, String> f : HANDLERS.entrySet()) {
            List<Path> jars = jars(STAGED.resolve(f.getKey()).resolve("lib"));
            assertThat(jars).as(f.getKey()).hasSize(1);
            String handlerClass = f.getValue().substring(0, f.getValue().indexOf("::")).replace('.', '/') + ".class";
            List<String> entries = entries(jars.get(0));
            assertThat(entries).as(f.getKey() + " holds its handler").contains(handlerClass);
            assertThat(entries).as(f.getKey() + " holds no signing-secret client").noneMatch(e -> SECRET_CLIENTS.stream().anyMatch(e::startsWith));
        }
    }

    @Test
    void eachLayer_shipsItsStore_andOnlyItsServicesClient() throws IOException {
        assertThat(LAYERS).containsExactlyInAnyOrder("SecretsManagerSecretLayer", "SsmSecretLayer");
        Map<String, String> own = Map.of("SecretsManagerSecretLayer", SECRET_CLIENTS.get(0), "SsmSecretLayer", SECRET_CLIENTS.get(1));
        for (String layer : LAYERS) {
            List<Path> jars = jars(STAGED.resolve(layer).resolve("java").resolve("lib"));
            assertThat(jars).as(layer).hasSize(1);
            List<String> entries = entries(jars.get(0));
            assertThat(entries).as(layer).anyMatch(e -> e.startsWith(own.get(layer)))
                    .contains("META-INF/services/dev.outrigger.core.SecretStore")
                    .noneMatch(e -> !e.startsWith(own.get(layer)) && SECRET_CLIENTS.stream().anyMatch(e::startsWith))
                    // the SDK's shared pieces and core come from the function jar, once
                    .noneMatch(e -> e.startsWith("software/amazon/awssdk/core/") || e.startsWith("dev/outrigger/core/"));
        }
    }

    @Test
    void everySigningFunction_getsTheLayerThatMatchesSigningSecretArn_andNoOtherFunctionGetsOne() {
        assertThat(SIGNERS).contains("JobWorkerFunction", "HeavyJobWorkerFunction", "ScheduleHookFunction",
                "MaintenanceToggleFunction", "VerifyWritesFunction");
        assertThat(LAYER_CHOICE.keySet()).containsExactlyInAnyOrderElementsOf(SIGNERS);
        assertThat(LAYER_CHOICE.values()).allMatch("If SigningSecretInSsm SsmSecretLayer SecretsManagerSecretLayer"::equals);
        // The condition itself, evaluated as a template loader evaluates it: only the matching layer exists.
        assertThat(layersCreatedFor(Map.of())).containsExactly("SecretsManagerSecretLayer");
        assertThat(layersCreatedFor(Map.of("SigningSecretArn", "arn:aws:ssm:eu-west-1:123456789012:parameter/outrigger/signing")))
                .containsExactly("SsmSecretLayer");
        assertThat(layersCreatedFor(Map.of("SigningSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:outrigger-AbCdEf")))
                .containsExactly("SecretsManagerSecretLayer");
    }

    @Test
    void everyFunction_buildsItsHandler_fromItsOwnArtifact() throws Exception {
        // Constructing a handler builds the clients it keeps (Scheduler, SQS, SNS…): a jar that lacks one fails here.
        Map<String, String> env = new LinkedHashMap<>(awsEnv());
        env.put("OUTRIGGER_SIGNING_SECRET", "constructing-only");
        env.put("DJANGO_BASE_URL", "http://127.0.0.1:9/internal/outrigger/");
        env.put("OUTRIGGER_OPS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:ops");
        for (Map.Entry<String, String> f : HANDLERS.entrySet()) {
            List<Path> jars = new ArrayList<>(jars(STAGED.resolve(f.getKey()).resolve("lib")));
            if (LAYER_CHOICE.containsKey(f.getKey())) {
                jars.addAll(jars(STAGED.resolve("SecretsManagerSecretLayer").resolve("java").resolve("lib")));
            }
            try (URLClassLoader loader = functionLoader(jars)) {
                Class<?> handler = Class.forName(f.getValue().substring(0, f.getValue().indexOf("::")), true, loader);
                Object built = withContextLoader(loader, () -> handler.getConstructor(envClass(loader)).newInstance(env(loader, env)));
                assertThat(built.getClass().getClassLoader()).as(f.getKey()).isSameAs(loader);
            }
        }
    }

    @Test
    void aSigningFunction_readsItsSecret_throughEitherLayer_andTheOtherLayerRefusesTheArn() throws Exception {
        String secretArn;
        try (SecretsManagerClient sm = SecretsManagerClient.builder().endpointOverride(URI.create(motoEndpoint)).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            secretArn = sm.createSecret(r -> r.name("outrigger/it/signing").secretString("from-secrets-manager")).arn();
        }
        String parameterArn = "arn:aws:ssm:us-east-1:123456789012:parameter/outrigger/it/signing";
        try (SsmClient ssm = SsmClient.builder().endpointOverride(URI.create(motoEndpoint)).region(Region.US_EAST_1)
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            ssm.putParameter(r -> r.name("/outrigger/it/signing").type(ParameterType.SECURE_STRING).value("from-ssm"));
        }
        List<String> signingJars = LAYER_CHOICE.keySet().stream()
                .map(id -> STAGED.resolve(id).resolve("lib")).flatMap(lib -> jars(lib).stream())
                .map(p -> p.getFileName().toString()).distinct().toList();
        assertThat(signingJars).contains("job-worker.jar", "schedule-hook.jar", "cutover-django.jar");
        for (String id : List.of("JobWorkerFunction", "ScheduleHookFunction", "MaintenanceToggleFunction")) {
            Path functionJar = jars(STAGED.resolve(id).resolve("lib")).get(0);
            Path smLayer = jars(STAGED.resolve("SecretsManagerSecretLayer").resolve("java").resolve("lib")).get(0);
            Path ssmLayer = jars(STAGED.resolve("SsmSecretLayer").resolve("java").resolve("lib")).get(0);

            assertThat(readSecret(List.of(functionJar, smLayer), secretArn)).as(id + " + Secrets Manager layer").isEqualTo("from-secrets-manager");
            assertThat(readSecret(List.of(functionJar, ssmLayer), parameterArn)).as(id + " + SSM layer").isEqualTo("from-ssm");

            assertThatThrownBy(() -> readSecret(List.of(functionJar, ssmLayer), secretArn)).as(id + ": SSM layer, Secrets Manager ARN")
                    .hasMessageContaining("no Secrets Manager store").hasMessageContaining("outrigger-secret-secretsmanager");
            assertThatThrownBy(() -> readSecret(List.of(functionJar, smLayer), parameterArn)).as(id + ": Secrets Manager layer, SSM ARN")
                    .hasMessageContaining("no SSM Parameter Store store").hasMessageContaining("outrigger-secret-ssm");
        }
    }

    /** SecretSources.fromEnv(env).secret() inside the function's own class loader; its failure's message if it throws. */
    private static String readSecret(List<Path> jars, String arn) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(awsEnv());
        env.put("OUTRIGGER_SIGNING_SECRET_ARN", arn);
        try (URLClassLoader loader = functionLoader(jars)) {
            Class<?> sources = Class.forName("dev.outrigger.core.SecretSources", true, loader);
            Object source = withContextLoader(loader, () -> sources.getMethod("fromEnv", envClass(loader)).invoke(null, env(loader, env)));
            Class<?> secretSource = Class.forName("dev.outrigger.core.SecretSource", true, loader);
            return (String) withContextLoader(loader, () -> secretSource.getMethod("secret").invoke(source));
        }
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static Object withContextLoader(ClassLoader loader, Call call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.run();
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? new IllegalStateException(cause.getMessage(), cause) : e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The jars alone over the JDK, as the runtime's class loader holds the task root's lib/ and the layers' java/lib. */
    private static URLClassLoader functionLoader(List<Path> jars) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            urls.add(jar.toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static Class<?> envClass(ClassLoader loader) throws ClassNotFoundException {
        return Class.forName("dev.outrigger.core.Env", true, loader);
    }

    private static Object env(ClassLoader loader, Map<String, String> values) throws Exception {
        return envClass(loader).getMethod("of", Map.class).invoke(null, values);
    }

    private static Map<String, String> awsEnv() {
        return Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", motoEndpoint, "AWS_ACCESS_KEY_ID", "it", "AWS_SECRET_ACCESS_KEY", "it");
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("it", "it"));
    }

    private static List<String> layersCreatedFor(Map<String, String> params) {
        LocalTemplate t = LocalTemplate.load(ROOT.resolve("template.yaml"), params, LocalEndpoints.defaults());
        return t.notEmulated().stream().filter(r -> r.type().equals("AWS::Serverless::LayerVersion")).map(ResourceDef::logicalId).toList();
    }

    private static List<Path> jars(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("nothing staged in " + dir, e);
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(java.util.zip.ZipEntry::getName).toList();
        }
    }

    /** Handlers, layers and the functions whose policy reads the signing secret, from template.yaml's node tree. */
    private static void readTemplate() throws IOException {
        Node root;
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("template.yaml"))) {
            root = new Yaml(new LoaderOptions()).compose(reader);
        }
        for (NodeTuple r : ((MappingNode) get(root, "Resources")).getValue()) {
            String id = ((ScalarNode) r.getKeyNode()).getValue();
            Node resource = r.getValueNode();
            String type = scalar(get(resource, "Type"));
            if (!"makefile".equals(scalar(get(get(resource, "Metadata"), "BuildMethod")))) {
                continue;
            }
            Node properties = get(resource, "Properties");
            if ("AWS::Serverless::LayerVersion".equals(type)) {
                LAYERS.add(id);
            } else if ("AWS::Serverless::Function".equals(type)) {
                HANDLERS.put(id, scalar(get(properties, "Handler")));
                if (String.valueOf(flatten(get(properties, "Policies"))).contains("Sid SigningSecret ")) {
                    SIGNERS.add(id);
                }
                Node layers = get(properties, "Layers");
                if (layers != null) {
                    LAYER_CHOICE.put(id, flatten(layers).strip());
                }
            }
        }
    }

    private static Node get(Node map, String key) {
        if (map instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    /** A node's scalars in order, tags as their names: "!If [A, !Ref B, !Ref C]" reads "If A B C". */
    private static String flatten(Node node) {
        StringBuilder out = new StringBuilder();
        if (node == null) {
            return "";
        }
        String tag = node.getTag().getValue();
        if (tag.startsWith("!") && !tag.equals("!Ref")) {
            out.append(tag.substring(1)).append(' ');
        }
        if (node instanceof ScalarNode s) {
            out.append(s.getValue()).append(' ');
        } else if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(n -> out.append(flatten(n)));
        } else if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                out.append(flatten(t.getKeyNode())).append(flatten(t.getValueNode()));
            }
        }
        return out.toString();
    }
}
