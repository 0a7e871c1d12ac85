package dev.outrigger.local.cli;

import dev.outrigger.local.template.LocalEndpoints;
import dev.outrigger.local.template.LocalTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code -t/--template}, default template.yaml: a mixin for the commands that run the template. */
final class TemplateOption {
    @Option(names = {"-t", "--template"}, defaultValue = "template.yaml", description = "SAM template (default: ${DEFAULT-VALUE})")
    Path template;

    /**
     * The template at {@code path} if the file exists, read with the local runtime's default endpoints and no
     * parameter overrides: for the commands that only resolve logical ids against it.
     */
    static Optional<LocalTemplate> ifExists(Path path) {
        if (path == null || !Files.exists(path)) {
            return Optional.empty();
        }
        return Optional.of(LocalTemplate.load(path, Map.of(), LocalEndpoints.defaults()));
    }
}
