package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

import static dev.outrigger.asl.JsonPath.NF;

/**
 * The invoker the CLI uses. For each Task: a state the mock test case names is answered from the mock file (as in
 * Step Functions Local, a mocked state is never really called); otherwise a Lambda resource
 * ({@code arn:aws:lambda:…:function:name} or {@code arn:aws:states:::lambda:invoke}) runs in process through the
 * {@link LambdaInvoker}; anything else fails the execution with States.Runtime naming the state and resource.
 */
public final class CompositeTaskInvoker implements TaskInvoker {
    private static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

    private final Optional<LambdaInvoker> lambdas;
    private final Optional<MockConfigTaskInvoker> mocks;

    public CompositeTaskInvoker(Optional<LambdaInvoker> lambdas, Optional<MockConfigTaskInvoker> mocks) {
        this.lambdas = lambdas;
        this.mocks = mocks;
    }

    @Override
    public JsonNode invoke(TaskRequest request) throws TaskFailure {
        if (mocks.isPresent() && mocks.get().mocks(request.stateName())) {
            return mocks.get().invoke(request);
        }
        String resource = request.resource();
        if (resource.startsWith("arn:aws:lambda:")) {
            String fn = functionName(resource);
            if (lambdas.isPresent() && lambdas.get().hasFunction(fn)) {
                return lambdas.get().invoke(fn, request.input());
            }
            throw notRunnable(request, "Lambda function \"" + fn + "\" is not one of the project's functions");
        }
        if (resource.equals(LAMBDA_INVOKE)) {
            JsonNode fnNode = request.input().get("FunctionName");
            if (fnNode == null || !fnNode.isTextual()) {
                throw new StatesError(Errors.RUNTIME, "state \"" + request.stateName() + "\": " + LAMBDA_INVOKE
                        + " needs Parameters.FunctionName");
            }
            String fn = functionName(fnNode.textValue());
            if (lambdas.isPresent() && lambdas.get().hasFunction(fn)) {
                JsonNode payload = request.input().has("Payload") ? request.input().get("Payload") : NF.objectNode();
                JsonNode result = lambdas.get().invoke(fn, payload);
                // The optimized integration wraps the function's response like Lambda's Invoke API response.
                // https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
                ObjectNode out = NF.objectNode();
                out.put("ExecutedVersion", "$LATEST");
                out.set("Payload", result == null ? NF.nullNode() : result);
                out.putObject("SdkHttpMetadata").put("HttpStatusCode", 200);
                out.putObject("SdkResponseMetadata").put("RequestId", "00000000-0000-0000-0000-000000000000");
                out.put("StatusCode", 200);
                return out;
            }
            throw notRunnable(request, "Lambda function \"" + fn + "\" is not one of the project's functions");
        }
        throw notRunnable(request, "only Lambda functions run in process; every other integration must be mocked");
    }

    private StatesError notRunnable(TaskRequest request, String why) {
        String mockHint = mocks.map(m -> "test case \"" + m.testCase() + "\" has no entry for it")
                .orElse("no mock file was given");
        return new StatesError(Errors.RUNTIME, "state \"" + request.stateName() + "\": resource "
                + request.resource() + " cannot run: " + why + ", and " + mockHint);
    }

    /** "name", "name:alias", "arn:aws:lambda:r:a:function:name[:qualifier]" or "a:function:name" → "name". */
    static String functionName(String ref) {
        int i = ref.indexOf(":function:");
        if (i >= 0) {
            String rest = ref.substring(i + ":function:".length());
            int colon = rest.indexOf(':');
            return colon < 0 ? rest : rest.substring(0, colon);
        }
        int colon = ref.indexOf(':');
        return colon < 0 ? ref : ref.substring(0, colon);
    }
}
