package dev.outrigger.local.cli;

/**
 * The two machines a pipeline or an operator starts, each found by the stack output template.yaml gives it (in AWS
 * from DescribeStacks, locally from the template's Outputs).
 */
enum StateMachineKind {
    DEPLOY("deploy", "DeployStateMachineArn"),
    CUTOVER("cutover", "CutoverStateMachineArn");

    final String command;
    final String outputKey;

    StateMachineKind(String command, String outputKey) {
        this.command = command;
        this.outputKey = outputKey;
    }
}
