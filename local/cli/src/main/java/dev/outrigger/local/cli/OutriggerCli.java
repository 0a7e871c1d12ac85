package dev.outrigger.local.cli;

import dev.outrigger.local.runtime.EnvFiles;
import dev.outrigger.local.runtime.LocalFunction;
import dev.outrigger.local.template.TemplateException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code outrigger} command. Exit codes: 0 ok, 1 failure, 2 usage or configuration error (bad option, bad
 * template, bad env file). To add a subcommand, write a picocli {@code @Command} class implementing
 * {@code Callable<Integer>} and add it, one line, to {@code subcommands} below.
 */
@Command(name = "outrigger", mixinStandardHelpOptions = true, version = "outrigger 0.1.0",
        description = "The Outrigger control plane on your machine: no Docker, no AWS account.",
        subcommands = {
                LocalCommand.class,
                InvokeCommand.class,
                JobsCommand.class,
                QueuesCommand.class,
                DemoCommand.class,
                DlqCommand.class,
                SchedulesCommand.class,
                SfnCommand.class,
                DeployCommand.class,
                CutoverCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class OutriggerCli implements Runnable {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI without exiting (for tests). */
    public static int execute(String... args) {
        return newCommandLine().execute(args);
    }

    /** The configured command line (tests set its out/err to capture them). */
    static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new OutriggerCli());
        // "@file" is an option value here (sfn run --input @events/x.json), not a picocli argument file.
        cli.setExpandAtFiles(false);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("outrigger: " + message(e));
            return exitCode(e);
        });
        return cli;
    }

    static int exitCode(Throwable e) {
        if (e instanceof TemplateException || e instanceof EnvFiles.EnvFileException || e instanceof IllegalArgumentException
                || e instanceof LocalFunction.HandlerLoadException || e instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return FAILURE;
    }

    static String message(Throwable e) {
        if (e instanceof TemplateException || e instanceof EnvFiles.EnvFileException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }
}
