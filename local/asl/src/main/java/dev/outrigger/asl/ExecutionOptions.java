package dev.outrigger.asl;

import java.time.Duration;
import java.time.Instant;

/**
 * Per-execution settings. The defaults give repeatable runs: a fixed start time, a fixed seed for UUID, MathRandom
 * and jitter, and a virtual clock (Wait, backoff and timeouts take no real time; the history records the time they
 * would have taken).
 *
 * @param stateMachineName used for $$.StateMachine and to pick the mock file's StateMachines entry
 * @param executionName    $$.Execution.Name
 * @param startTime        $$.Execution.StartTime and the virtual clock's origin
 * @param seed             seed for UUID, MathRandom (without its own seed) and FULL jitter
 * @param realTime         true to really sleep for Wait and retry backoff
 * @param region           region in the ARNs the context object shows
 * @param accountId        account in those ARNs
 * @param roleArn          $$.Execution.RoleArn
 * @param horizon          how long after the start the caller watches, or null for as long as it runs: when the
 *                         execution's clock passes it, the run stops and reports {@link ExecutionStatus#RUNNING}, the
 *                         state it is in left open (what a caller that stops waiting sees; the virtual clock makes
 *                         that moment exact)
 */
public record ExecutionOptions(String stateMachineName, String executionName, Instant startTime, long seed,
                               boolean realTime, String region, String accountId, String roleArn, Duration horizon) {
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    public ExecutionOptions {
        if (horizon != null && horizon.isNegative()) {
            throw new IllegalArgumentException("horizon must not be negative, got " + horizon);
        }
    }

    public static ExecutionOptions defaults(String stateMachineName) {
        return new ExecutionOptions(stateMachineName, "local-execution", DEFAULT_START, 42L, false, "us-east-1",
                "123456789012", "arn:aws:iam::123456789012:role/" + stateMachineName + "-role", null);
    }

    public ExecutionOptions withStateMachineName(String name) {
        return new ExecutionOptions(name, executionName, startTime, seed, realTime, region, accountId, roleArn, horizon);
    }

    public ExecutionOptions withExecutionName(String name) {
        return new ExecutionOptions(stateMachineName, name, startTime, seed, realTime, region, accountId, roleArn,
                horizon);
    }

    public ExecutionOptions withStartTime(Instant start) {
        return new ExecutionOptions(stateMachineName, executionName, start, seed, realTime, region, accountId, roleArn,
                horizon);
    }

    public ExecutionOptions withSeed(long newSeed) {
        return new ExecutionOptions(stateMachineName, executionName, startTime, newSeed, realTime, region, accountId,
                roleArn, horizon);
    }

    public ExecutionOptions withRealTime(boolean real) {
        return new ExecutionOptions(stateMachineName, executionName, startTime, seed, real, region, accountId, roleArn,
                horizon);
    }

    /** Watch the execution for this long after its start (null: until it ends). */
    public ExecutionOptions withHorizon(Duration watchFor) {
        return new ExecutionOptions(stateMachineName, executionName, startTime, seed, realTime, region, accountId,
                roleArn, watchFor);
    }

    String stateMachineArn() {
        return "arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + stateMachineName;
    }

    String executionArn() {
        return "arn:aws:states:" + region + ":" + accountId + ":execution:" + stateMachineName + ":" + executionName;
    }
}
