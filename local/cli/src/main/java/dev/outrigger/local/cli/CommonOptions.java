package dev.outrigger.local.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the commands that read the template. */
final class CommonOptions {
    @Option(names = {"-t", "--template"}, defaultValue = "template.yaml", description = "SAM template (default: ${DEFAULT-VALUE})")
    Path template;

    @Option(names = "--env-file", description = "dotenv file, or JSON in `sam local --env-vars` shape, with variables for the functions")
    Path envFile;

    @Option(names = "--param", description = "template parameter override, Key=Value (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--region", description = "region for pseudo parameters and ARNs (default: us-east-1)")
    String region;
}
