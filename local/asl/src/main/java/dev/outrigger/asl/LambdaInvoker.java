package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Lambda functions that run in process (the local runtime implements this from the template's functions).
 * Function names arrive stripped of any ARN prefix and version/alias qualifier.
 */
public interface LambdaInvoker {
    boolean hasFunction(String functionName);

    /**
     * @return the function's response payload
     * @throws TaskFailure when the function fails; error is the Lambda errorType (for Java handlers the exception's
     *                     class name), cause the error message
     */
    JsonNode invoke(String functionName, JsonNode payload) throws TaskFailure;
}
