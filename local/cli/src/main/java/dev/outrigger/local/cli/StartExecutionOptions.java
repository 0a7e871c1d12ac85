package dev.outrigger.local.cli;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code outrigger deploy start} and {@code outrigger cutover start}. */
final class StartExecutionOptions {
    @Option(names = {"-i", "--input"}, defaultValue = "{}",
            description = "execution input: inline JSON or @file, checked before anything starts (default: {})")
    String input;

    @Option(names = "--name", description = "execution name (default: Step Functions makes one; locally \"local-execution\")."
            + " While an execution of that name and input runs, starting again follows it")
    String name;

    @Option(names = "--timeout", defaultValue = "60m", description = "stop waiting after this long (90s, 30m, 2h, PT1H;"
            + " locally on the engine's virtual clock): print the state it is in and exit 3; the execution is not stopped"
            + " (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--poll-interval", defaultValue = "5s", description = "how often to read the execution's history"
            + " in AWS (default: ${DEFAULT-VALUE})")
    String pollInterval;

    @Option(names = "--aws", description = "start it in AWS (default credentials chain; region from --region, samconfig.toml"
            + " or the AWS default)")
    boolean aws;

    @Option(names = "--endpoint-url", description = "a Step Functions and CloudFormation endpoint that answers like AWS"
            + " (an emulator), with static credentials")
    URI endpoint;

    @Option(names = "--stack", description = "the stack whose output names the state machine (default: stack_name of"
            + " --config-env in --config-file)")
    String stack;

    @Option(names = "--config-env", defaultValue = "default", description = "samconfig.toml environment, as in"
            + " `sam deploy --config-env` (default: ${DEFAULT-VALUE})")
    String configEnv;

    @Option(names = "--config-file", defaultValue = "samconfig.toml", description = "SAM config file (default: ${DEFAULT-VALUE})")
    Path configFile;

    @Mixin
    SfnProject.RunOptions runOptions;
}
