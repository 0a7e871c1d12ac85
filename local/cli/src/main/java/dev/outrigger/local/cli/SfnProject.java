package dev.outrigger.local.cli;

import dev.outrigger.asl.AslDefinition;
import dev.outrigger.asl.AslDefinitionException;
import dev.outrigger.asl.ExecutionOptions;
import dev.outrigger.asl.LambdaInvoker;
import dev.outrigger.asl.SfnRunner;
import dev.outrigger.local.runtime.EnvFiles;
import dev.outrigger.local.runtime.TemplateLambdaInvoker;
import dev.outrigger.local.template.LocalEndpoints;
import dev.outrigger.local.template.LocalTemplate;
import dev.outrigger.local.template.StateMachineDef;
import dev.outrigger.local.template.TemplateException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the sfn commands share: reading a definition, finding the template state machine whose DefinitionUri is that
 * file (its DefinitionSubstitutions apply; none match → no substitutions, and a {@code ${…}} left is an error naming
 * it), the template's functions as in-process Lambdas, and the mapping of errors to exit code 2.
 */
final class SfnProject {
    static final Path DEFAULT_TEMPLATE = Path.of("template.yaml");

    /** Options for commands that read the template. */
    static final class TemplateOptions {
        @Option(names = {"-t", "--template"}, description = "SAM template for DefinitionSubstitutions and the functions"
                + " Lambda tasks run in process (default: template.yaml if it exists)")
        Path template;

        @Mixin
        TemplateParams templateParams;

        @Option(names = "--region", description = "region for pseudo parameters and ARNs here (default: us-east-1);"
                + " with --aws, the AWS region")
        String region;

        Map<String, String> params() {
            return templateParams.params;
        }
    }

    /**
     * Options for commands that run a machine here: the template (substitutions, functions) and the mock file
     * ({@code sfn run}, {@code sfn graph}, {@code deploy|cutover start}).
     */
    static final class RunOptions {
        @Mixin
        TemplateOptions template;

        @Mixin
        MockOptions mocks;
    }

    /** The DEFINITION parameter of the commands that take one definition file. */
    static final class DefinitionFile {
        @Parameters(index = "0", paramLabel = "DEFINITION", description = "the .asl.json file")
        Path definition;
    }

    /** Options for commands that run a machine here with a Step Functions Local mock file. */
    static final class MockOptions {
        @Option(names = "--mocks", description = "mock file in Step Functions Local's MockConfigFile format")
        Path mocks;

        @Option(names = "--test-case", description = "the test case of the mock file to use")
        String testCase;

        @Option(names = "--env-file", description = "dotenv file, or JSON in `sam local --env-vars` shape, for the functions")
        Path envFile;

        /** A mock file or test case was named. */
        boolean given() {
            return mocks != null || testCase != null;
        }
    }

    final Path definitionFile;
    final String sourceName;
    final String definitionText;
    final Optional<LocalTemplate> template;
    final Optional<StateMachineDef> stateMachine;

    private SfnProject(Path definitionFile, String definitionText, Optional<LocalTemplate> template,
                       Optional<StateMachineDef> stateMachine) {
        this.definitionFile = definitionFile;
        this.sourceName = definitionFile.toString();
        this.definitionText = definitionText;
        this.template = template;
        this.stateMachine = stateMachine;
    }

    static SfnProject load(Path definitionFile, TemplateOptions options) {
        Optional<LocalTemplate> template = loadTemplate(options);
        return of(definitionFile, template);
    }

    /**
     * The state machine a template output names ({@code DeployStateMachineArn: !Ref DeployStateMachine}), as the
     * stack's outputs name it in AWS. Without that output, the error lists the outputs there are.
     */
    static SfnProject fromOutput(String outputKey, TemplateOptions options) {
        LocalTemplate t = loadTemplate(options).orElseThrow(() -> new IllegalArgumentException(
                "no " + DEFAULT_TEMPLATE + " here: give --template, the template whose output " + outputKey
                        + " names the state machine"));
        String arn = t.outputs().get(outputKey);
        if (arn == null) {
            throw new IllegalArgumentException(t.path() + " has no output " + outputKey + " (its outputs: "
                    + (t.outputs().isEmpty() ? "none" : String.join(", ", t.outputs().keySet())) + ")");
        }
        StateMachineDef sm = t.stateMachines().values().stream().filter(m -> m.arn().equals(arn)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(t.path() + ": output " + outputKey + " is " + arn
                        + ", which is no state machine of the template"));
        if (sm.definitionPath() == null) {
            throw new IllegalArgumentException(t.path() + ": state machine " + sm.logicalId()
                    + " has an inline Definition; give it a DefinitionUri file to run it here");
        }
        return of(sm.definitionPath(), Optional.of(t));
    }

    private static Optional<LocalTemplate> loadTemplate(TemplateOptions options) {
        Path templatePath = options.template;
        if (templatePath != null && !Files.isRegularFile(templatePath)) {
            throw new IllegalArgumentException("--template " + templatePath + ": file not found");
        }
        if (templatePath == null && Files.isRegularFile(DEFAULT_TEMPLATE)) {
            templatePath = DEFAULT_TEMPLATE;
        }
        if (templatePath == null) {
            return Optional.empty();
        }
        // The default ports of `outrigger local up`: queue URLs and endpoints in function environments point there.
        return Optional.of(LocalTemplate.load(templatePath, options.params(), LocalEndpoints.of(9324, 9325, options.region)));
    }

    private static SfnProject of(Path definitionFile, Optional<LocalTemplate> template) {
        String text;
        try {
            text = Files.readString(definitionFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(definitionFile + ": file not found");
        } catch (IOException e) {
            throw new IllegalArgumentException(definitionFile + ": cannot read: " + e.getMessage());
        }
        if (template.isEmpty()) {
            return new SfnProject(definitionFile, text, Optional.empty(), Optional.empty());
        }
        LocalTemplate t = template.get();
        Path wanted = canonical(definitionFile);
        Optional<StateMachineDef> sm = t.stateMachines().values().stream()
                .filter(m -> m.definitionPath() != null && canonical(m.definitionPath()).equals(wanted))
                .findFirst();
        return new SfnProject(definitionFile, text, Optional.of(t), sm);
    }

    private static Path canonical(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    Map<String, String> substitutions() {
        return stateMachine.map(StateMachineDef::substitutions).orElse(Map.of());
    }

    /** The definition after its substitutions, checked as CreateStateMachine would (no run). */
    AslDefinition validate() {
        return runner(Optional.empty(), executionOptions(null)).validate(definitionText, sourceName, substitutions());
    }

    /** Where the substitutions came from, for the log line on stderr. */
    String describe() {
        if (template.isEmpty()) {
            return sourceName + ": no template (no DefinitionSubstitutions, no in-process functions)";
        }
        return stateMachine.map(m -> sourceName + ": DefinitionSubstitutions of " + m.logicalId() + " in "
                        + template.get().path() + " (" + m.substitutions().size() + " keys)")
                .orElse(sourceName + ": no state machine in " + template.get().path()
                        + " has this DefinitionUri (no DefinitionSubstitutions)");
    }

    /** The template's functions, run in process for Lambda tasks (empty without a template). */
    Optional<TemplateLambdaInvoker> lambdas(Path envFile, PrintStream console) {
        if (template.isEmpty()) {
            if (envFile != null) {
                throw new IllegalArgumentException("--env-file " + envFile + " needs a template (--template) whose"
                        + " functions it configures");
            }
            return Optional.empty();
        }
        EnvFiles env = envFile == null ? EnvFiles.none() : EnvFiles.read(envFile);
        return Optional.of(new TemplateLambdaInvoker(template.get(), env, Map.of(), console));
    }

    /** The engine's defaults (virtual clock, fixed start), with the seed if given. */
    static ExecutionOptions executionOptions(Long seed) {
        ExecutionOptions base = ExecutionOptions.defaults("local");
        return seed == null ? base : base.withSeed(seed);
    }

    static SfnRunner runner(Optional<? extends LambdaInvoker> lambdas, ExecutionOptions options) {
        return new SfnRunner(lambdas.map(l -> (LambdaInvoker) l), options);
    }

    /** True for the errors that mean a bad definition, template, option or file: exit code 2. */
    static boolean isUsageError(Throwable e) {
        return e instanceof AslDefinitionException || e instanceof IllegalArgumentException || e instanceof TemplateException
                || e instanceof EnvFiles.EnvFileException || e instanceof UncheckedIOException;
    }

    /** Runs a command body; usage/definition errors print on stderr and give 2, others propagate (exit 1). */
    static int guarded(PrintWriter err, String command, Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (Exception e) {
            if (isUsageError(e)) {
                err.println("outrigger " + command + ": " + e.getMessage());
                err.flush();
                return OutriggerCli.USAGE;
            }
            throw e;
        }
    }
}
