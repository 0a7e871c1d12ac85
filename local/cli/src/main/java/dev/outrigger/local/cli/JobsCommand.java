package dev.outrigger.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "jobs", mixinStandardHelpOptions = true, description = "Publish jobs.", subcommands = {JobsSendCommand.class})
final class JobsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
