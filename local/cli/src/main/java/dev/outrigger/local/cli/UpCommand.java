package dev.outrigger.local.cli;

import dev.outrigger.local.runtime.EnvFiles;
import dev.outrigger.local.runtime.LocalLogging;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start ElasticMQ with the template's queues, the functions and their SQS pollers, and the SNS/EventBridge "
                + "emulator. Runs until Ctrl-C, which returns unfinished messages to their queues."})
final class UpCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--port", defaultValue = "9324", description = "SQS port; the emulator listens on port+1 (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir", description = "keep queues and messages (H2) and the sinks here across restarts")
    Path dataDir;

    @Option(names = "--sns-forward", description = "POST what is published to TOPIC to URL, TOPIC=URL (repeatable)")
    Map<String, String> snsForwards = new LinkedHashMap<>();

    @Option(names = "--events-forward", description = "POST events put on BUS to URL, BUS=URL (repeatable)")
    Map<String, String> eventForwards = new LinkedHashMap<>();

    @Option(names = "--log-format", defaultValue = "console", converter = LogFormatConverter.class,
            description = "console: one line per job outcome and log event (EMF metrics go to .outrigger/metrics.jsonl); "
                    + "json: the functions' JSON lines as Lambda logs them (default: ${DEFAULT-VALUE})")
    LocalLogging.Format logFormat;

    static final class LogFormatConverter implements picocli.CommandLine.ITypeConverter<LocalLogging.Format> {
        @Override
        public LocalLogging.Format convert(String value) {
            return LocalLogging.Format.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        // First: the functions' log lines go through the runtime's configuration from the very first one.
        LocalLogging.use(logFormat, stateDir(common.template()).resolve("metrics.jsonl"));
        // The shutdown hook below stops ElasticMQ; Pekko's own JVM hook would only race it and warn at Ctrl-C.
        System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        RuntimeOptions.Builder b = RuntimeOptions.builder(common.template()).envFile(common.envFile).parameters(common.params())
                .port(port).dataDir(dataDir).region(common.region);
        snsForwards.forEach((topic, url) -> b.snsForward(topic, uri("--sns-forward", url)));
        LocalSigningSecret secret = LocalSigningSecret.resolve(System.getenv(),
                common.envFile == null ? EnvFiles.none() : EnvFiles.read(common.envFile), stateDir(common.template()));
        secret.env().forEach(b::env);
        eventForwards.forEach((bus, url) -> b.eventForward(bus, uri("--events-forward", url)));
        LocalRuntime rt = LocalRuntime.start(b.build());
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println();
            System.out.println("Stopping: waiting for in-flight invocations…");
            int released = rt.stop();
            System.out.println("Stopped. " + released + " unfinished message(s) returned to their queues.");
            LocalLogging.shutdown();
            done.countDown();
        }, "outrigger-shutdown"));
        Banner.print(rt, System.out);
        System.out.println(secret.instructions());
        done.await();
        return OutriggerCli.OK;
    }

    /** {@code .outrigger/} beside the template (git-ignored), where `local up` keeps its generated state. */
    static Path stateDir(Path template) {
        Path dir = template.toAbsolutePath().normalize().getParent();
        return (dir == null ? Path.of(".").toAbsolutePath() : dir).resolve(".outrigger");
    }

    private static URI uri(String option, String value) {
        try {
            URI u = URI.create(value);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new IllegalArgumentException(option + ": " + value + " is not an http(s) URL");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + value + " is not a URL");
        }
    }
}
