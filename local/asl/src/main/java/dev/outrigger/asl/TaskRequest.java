package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * One invocation of a Task state's resource.
 *
 * @param resource         the Resource ARN, suffixes (.sync, .waitForTaskToken) included
 * @param stateName        the Task state's name
 * @param input            the effective input: the state input after InputPath and Parameters
 * @param attempt          0 for the first try, then 1, 2, … for each retry of this state entry
 * @param invocationIndex  how many times this state's resource was invoked before in this execution (retries and
 *                         Map iterations included); the Step Functions Local mock ranges count this
 * @param stateMachineName the state machine's name
 * @param executionName    the execution's name
 * @param taskToken        the task token, for .waitForTaskToken resources
 */
public record TaskRequest(String resource, String stateName, JsonNode input, int attempt, int invocationIndex,
                          String stateMachineName, String executionName, Optional<String> taskToken) {
}
