package dev.outrigger.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code outrigger sfn run|validate|graph}: the state machines on the in-JVM ASL engine (local/asl). */
@Command(name = "sfn", mixinStandardHelpOptions = true,
        description = "Run, validate and draw Step Functions state machines in the JVM (no Docker, no AWS account).",
        subcommands = {SfnRunCommand.class, SfnValidateCommand.class, SfnGraphCommand.class})
final class SfnCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
