package dev.outrigger.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.bench.Events;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.outrigger.core.EnvelopeValidator;
import dev.outrigger.core.InvalidEnvelopeException;
import dev.outrigger.core.JobEnvelope;
import dev.outrigger.core.Json;
import dev.outrigger.core.RequestSigner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The per-job pieces of the worker's path, one at a time: parse, validate (networknt vs core's hand-written validator), sign. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EnvelopeBenchmark {
    String body;
    JsonNode tree;
    byte[] requestBody;
    JsonSchema networknt;

    @Setup
    public void setUp() throws Exception {
        body = Events.envelope("job-123", "reports.generate", 0);
        tree = Json.MAPPER.readTree(body);
        requestBody = body.getBytes(StandardCharsets.UTF_8);
        // The library core used until it validated by hand, on the same schema file (the jar's copy).
        try (var in = EnvelopeValidator.class.getResourceAsStream(EnvelopeValidator.SCHEMA_RESOURCE)) {
            networknt = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    public JsonNode readTreeOnly() throws Exception {
        return Json.MAPPER.readTree(body);
    }

    @Benchmark
    public java.util.Set<com.networknt.schema.ValidationMessage> validateNetworknt() {
        return networknt.validate(tree);
    }

    @Benchmark
    public List<EnvelopeValidator.Violation> validateHandWritten() {
        return EnvelopeValidator.shared().validate(tree);
    }

    /** What the worker does per message: JSON parse + core's hand-written validation + record building. */
    @Benchmark
    public JobEnvelope parseEnvelope() throws InvalidEnvelopeException {
        return JobEnvelope.parse(body);
    }

    @Benchmark
    public String signRequest() {
        return RequestSigner.signature("bench-signing-secret", 1_750_000_000L, "POST", "tasks/reports.generate", requestBody);
    }
}
