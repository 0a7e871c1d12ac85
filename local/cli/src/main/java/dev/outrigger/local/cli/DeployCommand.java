package dev.outrigger.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code outrigger deploy start}: what CI runs after {@code sam deploy}. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "The deploy state machine: migrate, roll web, roll workers (statemachines/deploy.asl.json).")
final class DeployCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = StateMachineStart.DESCRIPTION)
    int start(@Mixin StartExecutionOptions options) throws Exception {
        return new StateMachineStart(StateMachineKind.DEPLOY, options, spec.commandLine()).call();
    }
}
