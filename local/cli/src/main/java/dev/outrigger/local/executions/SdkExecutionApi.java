package dev.outrigger.local.executions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/** {@link ExecutionApi} on the AWS SDK: CloudFormation DescribeStacks, Step Functions Start/DescribeExecution and history. */
public final class SdkExecutionApi implements ExecutionApi {
    /** GetExecutionHistory's largest page. */
    private static final int PAGE = 1000;

    private final CloudFormationClient cloudFormation;
    private final SfnClient sfn;

    public SdkExecutionApi(CloudFormationClient cloudFormation, SfnClient sfn) {
        this.cloudFormation = cloudFormation;
        this.sfn = sfn;
    }

    @Override
    public Map<String, String> stackOutputs(String stackName) {
        List<Stack> stacks;
        try {
            stacks = cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks();
        } catch (AwsServiceException e) {
            // CloudFormation has no "stack not found" error code: it is a ValidationError saying so.
            // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
            if ("ValidationError".equals(code(e)) && message(e).contains("does not exist")) {
                throw new StackNotFoundException(message(e));
            }
            throw failure("CloudFormation DescribeStacks", e);
        }
        if (stacks.isEmpty()) {
            throw new StackNotFoundException("Stack with id " + stackName + " does not exist");
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Output o : stacks.getFirst().outputs()) {
            outputs.put(o.outputKey(), o.outputValue());
        }
        return outputs;
    }

    @Override
    public String start(String stateMachineArn, String name, String input) {
        try {
            return sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(input)).executionArn();
        } catch (AwsServiceException e) {
            throw failure("Step Functions StartExecution", e);
        }
    }

    @Override
    public ExecutionState describe(String executionArn) {
        DescribeExecutionResponse d;
        try {
            d = sfn.describeExecution(r -> r.executionArn(executionArn));
        } catch (AwsServiceException e) {
            throw failure("Step Functions DescribeExecution", e);
        }
        return new ExecutionState(d.statusAsString(), d.startDate(), d.stopDate(), d.error(), d.cause());
    }

    @Override
    public List<ExecutionEvent> stateEventsAfter(String executionArn, long afterEventId) {
        List<ExecutionEvent> events = new ArrayList<>();
        String token = null;
        try {
            do {
                String page = token;
                // Without execution data: inputs and outputs stay out of the CLI (and CI logs).
                GetExecutionHistoryResponse r = sfn.getExecutionHistory(b -> b.executionArn(executionArn)
                        .maxResults(PAGE).includeExecutionData(false).nextToken(page));
                for (HistoryEvent e : r.events()) {
                    ExecutionEvent event = e.id() > afterEventId ? stateEvent(e) : null;
                    if (event != null) {
                        events.add(event);
                    }
                }
                token = r.nextToken();
            } while (token != null);
        } catch (AwsServiceException e) {
            throw failure("Step Functions GetExecutionHistory", e);
        }
        return events;
    }

    /** TaskStateEntered, ChoiceStateExited, …: the *StateEntered and *StateExited events; null for the others. */
    private static ExecutionEvent stateEvent(HistoryEvent e) {
        String type = e.typeAsString();
        if (type.endsWith("StateEntered") && e.stateEnteredEventDetails() != null) {
            return new ExecutionEvent.Entered(e.id(), e.stateEnteredEventDetails().name(), e.timestamp());
        }
        if (type.endsWith("StateExited") && e.stateExitedEventDetails() != null) {
            return new ExecutionEvent.Exited(e.id(), e.stateExitedEventDetails().name(), e.timestamp());
        }
        return null;
    }

    private static ApiException failure(String operation, AwsServiceException e) {
        return new ApiException(operation, code(e), message(e), e);
    }

    private static String code(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "Unknown"
                : e.awsErrorDetails().errorCode();
    }

    private static String message(AwsServiceException e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? String.valueOf(e.getMessage())
                : e.awsErrorDetails().errorMessage();
    }
}
