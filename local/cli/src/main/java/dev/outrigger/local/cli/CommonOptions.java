package dev.outrigger.local.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the commands that read the template. */
final class CommonOptions {
    @Mixin
    TemplateOption templateOption;

    @Option(names = "--env-file", description = "dotenv file, or JSON in `sam local --env-vars` shape, with variables for the functions")
    Path envFile;

    @Mixin
    TemplateParams templateParams;

    @Option(names = "--region", description = "region for pseudo parameters and ARNs (default: us-east-1)")
    String region;

    Path template() {
        return templateOption.template;
    }

    Map<String, String> params() {
        return templateParams.params;
    }
}
