package dev.outrigger.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code outrigger cutover start}: an operator starts the database cutover and watches it. */
@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = "The database cutover state machine (statemachines/cutover.asl.json).")
final class CutoverCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = StateMachineStart.DESCRIPTION)
    int start(@Mixin StartExecutionOptions options) throws Exception {
        return new StateMachineStart(StateMachineKind.CUTOVER, options, spec.commandLine()).call();
    }
}
