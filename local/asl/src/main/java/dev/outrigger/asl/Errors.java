package dev.outrigger.asl;

import java.util.List;

/**
 * Predefined error names. https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 */
public final class Errors {
    public static final String ALL = "States.ALL";
    public static final String TASK_FAILED = "States.TaskFailed";
    public static final String TIMEOUT = "States.Timeout";
    public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
    public static final String RUNTIME = "States.Runtime";
    public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
    public static final String INTRINSIC_FAILURE = "States.IntrinsicFailure";
    public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
    public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
    public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
    public static final String BRANCH_FAILED = "States.BranchFailed";
    public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
    public static final String PERMISSIONS = "States.Permissions";

    /** Names a Retrier or Catcher may list; any other "States." name is rejected at load, like AWS. */
    static final List<String> KNOWN = List.of(ALL, TASK_FAILED, TIMEOUT, HEARTBEAT_TIMEOUT, RUNTIME,
            DATA_LIMIT_EXCEEDED, INTRINSIC_FAILURE, NO_CHOICE_MATCHED, PARAMETER_PATH_FAILURE,
            RESULT_PATH_MATCH_FAILURE, BRANCH_FAILED, ITEM_READER_FAILED, PERMISSIONS,
            "States.ExceedToleratedFailureThreshold", "States.ResultWriterFailed", "States.QueryEvaluationError",
            "States.Http.Socket", "States.WaitForTaskToken");

    private Errors() {
    }

    /**
     * Whether a Retrier's or Catcher's ErrorEquals list matches an error. States.ALL matches everything except the
     * terminal States.Runtime and States.DataLimitExceeded; States.TaskFailed matches everything except
     * States.Timeout (and the same terminal errors).
     */
    static boolean matches(List<String> errorEquals, String error) {
        boolean terminal = RUNTIME.equals(error) || DATA_LIMIT_EXCEEDED.equals(error);
        for (String e : errorEquals) {
            if (e.equals(error) && !terminal) {
                return true;
            }
            if (terminal) {
                continue;
            }
            if (ALL.equals(e)) {
                return true;
            }
            if (TASK_FAILED.equals(e) && !TIMEOUT.equals(error)) {
                return true;
            }
        }
        return false;
    }
}
