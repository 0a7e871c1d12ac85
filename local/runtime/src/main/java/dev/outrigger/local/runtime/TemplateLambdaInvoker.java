package dev.outrigger.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.outrigger.asl.LambdaInvoker;
import dev.outrigger.asl.TaskFailure;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import dev.outrigger.local.template.FunctionDef;
import dev.outrigger.local.template.LocalTemplate;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The template's functions as the ASL engine's in-process Lambdas, for {@code outrigger sfn run}. Each function is
 * loaded alone, on first use, as a warm {@link LocalFunction} with its template environment (Globals + function
 * variables, then {@code --env-file}); no ElasticMQ or emulator is started. The AWS endpoint variables point at the
 * default ports of {@code outrigger local up} (the template is loaded with {@link
 * dev.outrigger.local.template.LocalEndpoints#defaults()}), so a function that calls SQS/SNS reaches a running
 * {@code local up} if there is one and otherwise fails fast with a connection error; it never reaches real AWS.
 *
 * <p>A thrown exception becomes a task failure whose error is the exception's fully-qualified class name and whose
 * cause is its message, which is what Lambda reports as {@code errorType}/{@code errorMessage} for a Java handler and
 * what Step Functions' Retry/Catch match on
 * (<a href="https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html">error handling</a>).
 */
public final class TemplateLambdaInvoker implements LambdaInvoker, AutoCloseable {
    /**
     * What Lambda reports when a function runs past its Timeout
     * (<a href="https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html">Sandbox.Timedout</a>).
     */
    public static final String TIMEOUT_ERROR = "Sandbox.Timedout";

    private final LocalTemplate template;
    /** The same environment {@link LocalRuntime} gives a function, with the endpoints of the default local ports. */
    private final FunctionEnvironment environment;
    private final PrintStream console;
    private final Map<String, LocalFunction> loaded = new ConcurrentHashMap<>();

    /**
     * @param envFiles  {@code --env-file} variables (applied over the template's)
     * @param overrides applied last, e.g. by tests
     * @param console   where function logs go (stderr for the CLI: stdout carries only the result JSON)
     */
    public TemplateLambdaInvoker(LocalTemplate template, EnvFiles envFiles, Map<String, String> overrides, PrintStream console) {
        this.template = template;
        this.environment = new FunctionEnvironment(template.endpoints().region(), template.endpoints().emulator(),
                template.endpoints().sqs(), envFiles, overrides);
        this.console = console;
    }

    /**
     * The template function a Task names: logical id, physical name ({@code outrigger-dev-maintenance-toggle}), ARN,
     * and any of these with a {@code :live} alias or {@code :3} version qualifier.
     */
    public Optional<FunctionDef> resolve(String reference) {
        Optional<FunctionDef> direct = template.function(reference);
        if (direct.isPresent()) {
            return direct;
        }
        String name = reference;
        int fn = name.indexOf(":function:");
        if (fn >= 0) {
            name = name.substring(fn + ":function:".length());
        }
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        return template.function(name);
    }

    @Override
    public boolean hasFunction(String functionName) {
        return resolve(functionName).isPresent();
    }

    @Override
    public JsonNode invoke(String functionName, JsonNode payload) throws TaskFailure {
        FunctionDef def = resolve(functionName).orElseThrow(() ->
                new IllegalArgumentException("no function " + functionName + " in " + template.path()));
        LocalFunction fn = loaded.computeIfAbsent(def.logicalId(), id -> new LocalFunction(def, Env.of(environment.of(def)), console));
        InvocationResult r;
        try {
            r = fn.invoke(payload == null ? "null" : payload.toString());
        } catch (LocalFunction.HandlerLoadException e) {
            // Lambda's Java runtime reports a handler it cannot load with the underlying exception's class.
            Throwable why = e.getCause() == null ? e : e.getCause();
            console.println("[" + def.logicalId() + "] " + e.getMessage());
            throw new TaskFailure(why.getClass().getName(), e.getMessage());
        }
        console.println("[" + def.logicalId() + "] " + r.requestId() + " took " + r.duration().toMillis() + " ms"
                + (r.ok() ? "" : r.timedOut() ? " and timed out" : " and threw " + r.error()));
        if (r.timedOut()) {
            throw new TaskFailure(TIMEOUT_ERROR, "Task timed out after " + def.timeoutSeconds() + ".00 seconds");
        }
        if (r.error() != null) {
            throw new TaskFailure(r.error().getClass().getName(), String.valueOf(r.error().getMessage()));
        }
        if (r.responseJson() == null) {
            return Json.MAPPER.nullNode();
        }
        try {
            return Json.MAPPER.readTree(r.responseJson());
        } catch (IOException e) {
            throw new TaskFailure("Lambda.Unknown", "function " + def.logicalId() + " returned invalid JSON: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        loaded.values().forEach(LocalFunction::close);
    }
}
