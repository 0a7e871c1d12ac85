package dev.outrigger.local.cli;

import dev.outrigger.asl.AslDefinition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code outrigger sfn validate}: each definition, with its DefinitionSubstitutions, checked as CreateStateMachine would. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check definitions as CreateStateMachine would (after DefinitionSubstitutions from the template),",
                "and refuse what the local engine cannot run. Exit code: 0 all valid, 2 any invalid."})
final class SfnValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DEFINITION", description = "the .asl.json file(s)")
    List<Path> definitions;

    @Mixin
    SfnProject.TemplateOptions templateOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int worst = OutriggerCli.OK;
        for (Path file : definitions) {
            int code = SfnProject.guarded(err, "sfn validate", () -> {
                SfnProject project = SfnProject.load(file, templateOptions);
                AslDefinition def = project.validate();
                out.println(file + ": valid (" + def.allStates().size() + " states"
                        + project.stateMachine.map(m -> ", DefinitionSubstitutions of " + m.logicalId()).orElse("") + ")");
                out.flush();
                return OutriggerCli.OK;
            });
            worst = Math.max(worst, code);
        }
        return worst;
    }
}
