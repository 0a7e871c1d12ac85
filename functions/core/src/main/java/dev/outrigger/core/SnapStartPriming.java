package dev.outrigger.core;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html).
 *
 * <p>{@code beforeCheckpoint} runs once, when Lambda publishes a version: it warms the shared JSON mapper, the
 * envelope schema validator, request signing and outcome classification, then the function's own handler path (a
 * synthetic event that makes no network call). The classes it loads and the code it runs are in the snapshot, so
 * restored environments skip that work. {@code afterRestore} runs in every restored environment: it drops cached
 * secrets ({@link SecretSources#refreshAll()}) and replaces HTTP clients ({@link SignedDjangoClient#resetAllConnections()})
 * so nothing from the snapshot's moment (a rotated secret, a dead connection) is reused.
 *
 * <p>A failure while priming is reported on stderr and swallowed: priming is an optimisation and must never stop a
 * version from being published. The CRaC context holds resources weakly, so keep the returned object in a field.
 */
public final class SnapStartPriming implements Resource {
    /** A valid envelope for priming: it names no real task and is never sent anywhere. */
    public static final String SAMPLE_ENVELOPE = "{\"version\":1,\"id\":\"snapstart-priming\",\"type\":\"django.task\","
            + "\"payload\":{\"task\":\"outrigger.priming\",\"args\":[],\"kwargs\":{}},"
            + "\"created_at\":\"2025-01-01T00:00:00Z\",\"max_attempts\":1,\"meta\":{\"request_id\":\"priming\"}}";

    private final Runnable warmHandlerPath;
    private final Runnable afterRestore;
    private volatile int checkpoints;
    private volatile int restores;

    public SnapStartPriming(Runnable warmHandlerPath, Runnable afterRestore) {
        this.warmHandlerPath = warmHandlerPath == null ? () -> { } : warmHandlerPath;
        this.afterRestore = afterRestore == null ? () -> { } : afterRestore;
    }

    /** Creates the priming resource and registers it with the global CRaC context. Keep the result in a field. */
    public static SnapStartPriming register(Runnable warmHandlerPath) {
        return register(warmHandlerPath, null);
    }

    public static SnapStartPriming register(Runnable warmHandlerPath, Runnable afterRestore) {
        SnapStartPriming priming = new SnapStartPriming(warmHandlerPath, afterRestore);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        try {
            warmCore();
            warmHandlerPath.run();
        } catch (Exception | LinkageError e) {
            System.err.println("SnapStart priming failed (the snapshot is taken unprimed): " + e);
        }
        checkpoints++;
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        SecretSources.refreshAll();
        RequestSigner.forgetKey();
        SignedDjangoClient.resetAllConnections();
        afterRestore.run();
        restores++;
    }

    /** The shared code every function runs per job; none of it touches the network or a secret. */
    static void warmCore() throws InvalidEnvelopeException {
        JobEnvelope envelope = JobEnvelope.parse(SAMPLE_ENVELOPE);
        EnvelopeValidator.shared().validate("{\"version\":2}"); // the error path builds its messages too
        String json = envelope.toJson();
        RequestSigner.signature("snapstart-priming-not-a-secret", 0L, "POST", DjangoRoute.task("outrigger.priming").path(),
                json.getBytes(StandardCharsets.UTF_8));
        Clock clock = Clock.systemUTC();
        HttpOutcomes.classify(new HttpResult(200, Map.of(), "{}"), clock);
        HttpOutcomes.classify(new HttpResult(503, Map.of("Retry-After", List.of("5")), ""), clock);
        HttpOutcomes.classify(new java.net.ConnectException("priming"));
    }

    public int checkpoints() {
        return checkpoints;
    }

    public int restores() {
        return restores;
    }
}
