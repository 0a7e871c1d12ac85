package dev.outrigger.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.outrigger.testing.LambdaJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The worker's SQS client on its own, cold: URLConnection vs Apache vs CRT HTTP clients, named region and credentials
 * provider vs the SDK's default chains, and core's AwsClientConfig (what the worker ships). Fresh JVM per run, the
 * job-worker jar (+ the client's jars) on the class path, one GetQueueUrl against ElasticMQ. Then the same for the
 * signed Django call: core's SignedDjangoClient (java.net.http) against the same request over HttpURLConnection.
 */
final class ClientStartBench {
    private final BenchMain bench;
    private final BenchMain.Context ctx;

    ClientStartBench(BenchMain bench, BenchMain.Context ctx) {
        this.bench = bench;
        this.ctx = ctx;
    }

    void run() throws Exception {
        record Variant(String name, String http, String config, String extraDir) {
        }
        List<Variant> variants = List.of(
                new Variant("core AwsClientConfig (URLConnection)", "core", "explicit", null),
                new Variant("URLConnection, explicit region+creds", "urlconnection", "explicit", null),
                new Variant("URLConnection, default chains", "urlconnection", "chain", null),
                new Variant("Apache, explicit region+creds", "apache", "explicit", "apache"),
                new Variant("CRT, explicit region+creds", "crt", "explicit", "crt"));
        Map<String, String> env = bench.workerEnv(ctx, ctx.fast(), BenchMain.MEMORY_MB);
        List<String> flags = LambdaJvm.lambdaFlags(BenchMain.MEMORY_MB);
        Map<String, List<Double>> ready = new LinkedHashMap<>();
        Map<String, List<Double>> init = new LinkedHashMap<>();
        Map<String, List<Double>> call = new LinkedHashMap<>();
        for (int round = 0; round < bench.runs + 1; round++) {
            for (Variant v : variants) {
                String cp = bench.classpath(bench.workerJar, bench.launcherJar);
                if (v.extraDir() != null) {
                    cp = cp + File.pathSeparator + jars(bench.clientLibs.resolve(v.extraDir()));
                }
                ChildJvm.Result r = ChildJvm.run(flags, cp, "dev.outrigger.bench.launch.SqsClientStartMain",
                        List.of(v.http(), v.config(), LocalSqs.QUEUE), env);
                if (!r.ok() || !"true".equals(r.values().get("url_ok"))) {
                    throw new IllegalStateException(v.name() + " failed:\n" + LambdaJvm.tail(r.output(), 30));
                }
                if (round > 0) {
                    ready.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(r.num("boot_ms") + r.num("init_ms") + r.num("first_invoke_ms"));
                    init.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(r.num("init_ms"));
                    call.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(r.num("first_invoke_ms"));
                }
            }
            BenchMain.progress("client start round " + round + "/" + bench.runs);
        }
        ObjectNode out = bench.json.putObject("sqsClientColdStart");
        String reference = variants.get(1).name();
        double ref = Stats.median(ready.get(reference));
        for (Variant v : variants) {
            double median = Stats.median(ready.get(v.name()));
            ObjectNode o = out.putObject(v.name());
            o.put("readyMedianMs", median);
            o.put("buildMedianMs", Stats.median(init.get(v.name())));
            o.put("firstCallMedianMs", Stats.median(call.get(v.name())));
            o.put("ratioToUrlConnectionExplicit", Stats.ratio(median, ref));
            bench.table.add("sqs-client", v.name(), median, "ms", Stats.ratio(median, ref), "URLConnection explicit",
                    String.format(java.util.Locale.ROOT, "build %.0f + first call %.0f ms", Stats.median(init.get(v.name())),
                            Stats.median(call.get(v.name()))));
        }
        djangoClients(env, flags);
    }

    /** The first signed POST to Django after TLS is set up, per HTTP client, interleaved; a signed 200 each time. */
    private void djangoClients(Map<String, String> env, List<String> flags) throws Exception {
        List<String> clients = List.of("java.net.http", "urlconnection");
        Map<String, List<Double>> call = new LinkedHashMap<>();
        Map<String, List<Double>> tls = new LinkedHashMap<>();
        for (int round = 0; round < bench.runs + 1; round++) {
            for (String client : clients) {
                long rejected = ctx.fast().rejected();
                ChildJvm.Result r = ChildJvm.run(flags, bench.classpath(bench.workerJar, bench.launcherJar),
                        "dev.outrigger.bench.launch.DjangoClientStartMain", List.of(client), env);
                if (!r.ok() || !"200".equals(r.values().get("status")) || ctx.fast().rejected() != rejected) {
                    throw new IllegalStateException(client + " failed (a signed 200 expected):\n" + LambdaJvm.tail(r.output(), 30));
                }
                if (round > 0) {
                    call.computeIfAbsent(client, k -> new ArrayList<>()).add(r.num("first_invoke_ms"));
                    tls.computeIfAbsent(client, k -> new ArrayList<>()).add(r.num("tls_ms"));
                }
            }
        }
        ObjectNode out = bench.json.putObject("djangoClientColdStart");
        double ref = Stats.median(call.get("urlconnection"));
        for (String client : clients) {
            double median = Stats.median(call.get(client));
            out.putObject(client).put("firstSignedPostMedianMs", median).put("tlsContextMedianMs", Stats.median(tls.get(client)));
            bench.table.add("django-client", "first signed POST, " + client, median, "ms", Stats.ratio(median, ref), "HttpURLConnection",
                    String.format(java.util.Locale.ROOT, "after the default TLS context (%.0f ms, paid either way)", Stats.median(tls.get(client))));
        }
    }

    static String jars(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted().collect(Collectors.joining(File.pathSeparator));
        }
    }
}
