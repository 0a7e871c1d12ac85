package dev.outrigger.local.executions;

import java.util.List;
import java.util.Map;

/**
 * The CloudFormation and Step Functions calls {@code outrigger deploy|cutover start} makes against AWS (or an
 * endpoint that answers like it). {@link SdkExecutionApi} is the AWS SDK adapter.
 */
public interface ExecutionApi {
    /** The stack's outputs, key to value, in the order the stack lists them. */
    Map<String, String> stackOutputs(String stackName) throws StackNotFoundException;

    /**
     * StartExecution. While an execution of the same name and input runs, Step Functions returns it (a Standard
     * start is idempotent by name), so the caller follows it; a closed one of that name is ExecutionAlreadyExists.
     *
     * @param name the execution name, or null to let Step Functions make one
     * @return the execution ARN
     */
    String start(String stateMachineArn, String name, String input);

    /** DescribeExecution: status, and the error and cause of a failed execution. */
    ExecutionState describe(String executionArn);

    /** GetExecutionHistory: the state events whose id is greater than {@code afterEventId}, oldest first. */
    List<ExecutionEvent> stateEventsAfter(String executionArn, long afterEventId);

    /** A call the service refused: its error code (ExecutionDoesNotExist, AccessDenied, …) and message. */
    final class ApiException extends RuntimeException {
        private final String errorCode;

        public ApiException(String operation, String errorCode, String message, Throwable cause) {
            super(operation + ": " + errorCode + ": " + message, cause);
            this.errorCode = errorCode;
        }

        public String errorCode() {
            return errorCode;
        }
    }

    /** DescribeStacks found no such stack (CloudFormation answers ValidationError "Stack with id X does not exist"). */
    final class StackNotFoundException extends RuntimeException {
        public StackNotFoundException(String message) {
            super(message);
        }
    }
}
