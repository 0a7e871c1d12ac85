package dev.outrigger.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.bench.Events;
import dev.outrigger.bench.proposal.HandEnvelopeValidator;
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

/** The per-job pieces of the worker's path, one at a time: parse, validate (networknt vs hand-written), sign. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EnvelopeBenchmark {
    String body;
    JsonNode tree;
    byte[] requestBody;

    @Setup
    public void setUp() throws Exception {
        body = Events.envelope("job-123", "reports.generate", 0);
        tree = Json.MAPPER.readTree(body);
        requestBody = body.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public JsonNode readTreeOnly() throws Exception {
        return Json.MAPPER.readTree(body);
    }

    @Benchmark
    public List<EnvelopeValidator.Violation> validateNetworknt() {
        return EnvelopeValidator.shared().validate(tree);
    }

    @Benchmark
    public List<EnvelopeValidator.Violation> validateHandWritten() {
        return HandEnvelopeValidator.shared().validate(tree);
    }

    /** What the worker does per message today: JSON parse + networknt + record building. */
    @Benchmark
    public JobEnvelope parseEnvelope() throws InvalidEnvelopeException {
        return JobEnvelope.parse(body);
    }

    @Benchmark
    public String signRequest() {
        return RequestSigner.signature("bench-signing-secret", 1_750_000_000L, requestBody);
    }
}
