package dev.outrigger.local.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --param Key=Value}: template parameter overrides, a mixin for every command that reads the template. */
final class TemplateParams {
    @Option(names = "--param", description = "template parameter override, Key=Value (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();
}
