package dev.outrigger.local.runtime;

import dev.outrigger.core.Json;
import dev.outrigger.local.template.FunctionDef;
import dev.outrigger.local.template.LocalTemplate;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's Invoke API for the template's functions, on the emulator endpoint (REST-JSON, signing name "lambda"):
 * {@code POST /2015-03-31/functions/{FunctionName}/invocations}
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). What a client such as boto3's
 * {@code lambda.invoke} or the Django admin's console sees is what Lambda answers:
 * <ul>
 *   <li>{@code RequestResponse} (the default): 200 with the function's result as the body and
 *       {@code X-Amz-Executed-Version: $LATEST}; when the function throws or times out, still 200, with
 *       {@code X-Amz-Function-Error: Unhandled} and the error document ({@code errorMessage}, {@code errorType})
 *       as the body;</li>
 *   <li>{@code Event}: 202 with no body, the function runs in the background (errors are logged, never retried,
 *       as there is no async retry or destination locally);</li>
 *   <li>{@code DryRun}: 204, nothing runs;</li>
 *   <li>a function the template does not define: 404 {@code ResourceNotFoundException}; a payload that is not JSON:
 *       400 {@code InvalidRequestContentException}; above 6 MB: 413 {@code RequestTooLargeException}.</li>
 * </ul>
 * The function is named as Lambda accepts it: its name, its ARN, or the partial ARN {@code account:function:name},
 * each optionally with a {@code :qualifier} (or {@code ?Qualifier=}); not by the template's logical id, which Lambda
 * does not know. Locally each function has one version, so any well-formed qualifier ($LATEST, the alias) runs it.
 */
public final class LambdaEmulator implements EmulatedService {
    /** Invoke's synchronous payload limit (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
    static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    private static final String PREFIX = "/2015-03-31/functions/";
    private static final String SUFFIX = "/invocations";
    /** arn:aws:lambda:region:account:function:name[:qualifier], account:function:name[:qualifier], name[:qualifier] */
    private static final Pattern REFERENCE = Pattern.compile(
            "^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:|\\d{12}:function:)?([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9$_-]{1,128}))?$");

    private final LocalTemplate template;
    private final BiFunction<FunctionDef, String, InvocationResult> invoker;
    private final java.io.PrintStream console;

    /**
     * @param invoker runs one invocation of a template function with the event JSON (the runtime's warm
     *                {@link LocalFunction}s)
     */
    public LambdaEmulator(LocalTemplate template, BiFunction<FunctionDef, String, InvocationResult> invoker, java.io.PrintStream console) {
        this.template = template;
        this.invoker = invoker;
        this.console = console;
    }

    @Override
    public EmulatorResponse handle(EmulatorRequest request) {
        String path = request.path();
        if (!path.startsWith(PREFIX) || !path.endsWith(SUFFIX) || !request.method().equals("POST")) {
            return error(400, "InvalidParameterValueException", "outrigger local runtime serves only Invoke "
                    + "(POST " + PREFIX + "{FunctionName}" + SUFFIX + "), not " + request.method() + " " + path);
        }
        String reference = URLDecoder.decode(path.substring(PREFIX.length(), path.length() - SUFFIX.length()), StandardCharsets.UTF_8);
        String qualifier = request.form().get("Qualifier");
        Optional<FunctionDef> function = find(reference, qualifier);
        if (function.isEmpty()) {
            return error(404, "ResourceNotFoundException", "Function not found: "
                    + template.endpoints().arn("lambda", "function:" + reference + (qualifier == null ? "" : ":" + qualifier)));
        }
        FunctionDef def = function.get();
        if (request.body().length > MAX_PAYLOAD_BYTES) {
            return error(413, "RequestTooLargeException", "Request must be smaller than " + MAX_PAYLOAD_BYTES
                    + " bytes for the InvokeFunction operation");
        }
        String event = request.body().length == 0 ? "{}" : request.bodyText();
        try {
            Json.MAPPER.readTree(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return error(400, "InvalidRequestContentException", "Could not parse request body into json: " + e.getOriginalMessage());
        }
        String type = request.header("X-Amz-Invocation-Type");
        type = type == null ? "RequestResponse" : type;
        switch (type) {
            case "DryRun":
                return new EmulatorResponse(204, "application/json", new byte[0]);
            case "Event":
                String asyncEvent = event;
                Thread.ofVirtual().name("lambda-event-" + def.logicalId()).start(() -> {
                    InvocationResult r = invoker.apply(def, asyncEvent);
                    if (!r.ok()) {
                        console.println("[lambda] " + def.name() + " (Event invocation) failed: " + r.errorJson());
                    }
                });
                return new EmulatorResponse(202, "application/json", new byte[0]);
            case "RequestResponse":
                break;
            default:
                return error(400, "InvalidParameterValueException", "1 validation error detected: Value '" + type
                        + "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: "
                        + "[Event, RequestResponse, DryRun]");
        }
        InvocationResult r = invoker.apply(def, event);
        if (r.ok()) {
            String out = r.responseJson() == null ? "null" : r.responseJson();
            return new EmulatorResponse(200, "application/json", out.getBytes(StandardCharsets.UTF_8))
                    .withHeader("X-Amz-Executed-Version", "$LATEST");
        }
        String errorJson = r.timedOut()
                ? "{\"errorMessage\":\"Task timed out after " + def.timeoutSeconds() + ".00 seconds\",\"errorType\":\""
                        + TemplateLambdaInvoker.TIMEOUT_ERROR + "\"}"
                : r.errorJson();
        return new EmulatorResponse(200, "application/json", errorJson.getBytes(StandardCharsets.UTF_8))
                .withHeader("X-Amz-Function-Error", "Unhandled").withHeader("X-Amz-Executed-Version", "$LATEST");
    }

    /** The template function a reference names, as Lambda resolves FunctionName (and an optional Qualifier). */
    Optional<FunctionDef> find(String reference, String qualifier) {
        Matcher m = REFERENCE.matcher(reference);
        if (!m.matches() || qualifier != null && !qualifier.matches("[A-Za-z0-9$_-]{1,128}")) {
            return Optional.empty();
        }
        String name = m.group(1);
        if (reference.startsWith("arn:") && !reference.startsWith(template.endpoints().arn("lambda", "function:"))) {
            return Optional.empty();   // another region or account: not this runtime's function
        }
        return template.functions().values().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** Lambda's REST-JSON error: the SDKs read the code from x-amzn-ErrorType, and the body's Type and message. */
    private static EmulatorResponse error(int status, String code, String message) {
        var body = Json.MAPPER.createObjectNode();
        body.put("Type", status >= 500 ? "Service" : "User");
        body.put("message", message);
        return new EmulatorResponse(status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8))
                .withHeader("x-amzn-ErrorType", code);
    }
}
