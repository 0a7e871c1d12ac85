package dev.outrigger.local.cli;

import dev.outrigger.local.demo.Demo;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start the runtime from the template on free ports with a stand-in Django, publish a mix of jobs, and show "
                + "them succeed, retry with backoff and land in the DLQ with their reasons; then stop. Exit 0 when everything "
                + "ended as expected, 1 otherwise. The runtime's and worker's own logs go to .outrigger/demo.log."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    TemplateOption templateOption;

    @Option(names = "--timeout", defaultValue = "40", description = "give up after this many seconds (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Path template = templateOption.template;
        if (!Files.isRegularFile(template)) {
            throw new IllegalArgumentException(template + ": template not found (run the demo from the repository root, or pass --template)");
        }
        if (timeoutSeconds < 5) {
            throw new IllegalArgumentException("--timeout: at least 5 seconds");
        }
        Path log = UpCommand.stateDir(template).resolve("demo.log");
        Files.createDirectories(log.getParent());
        boolean dlq = spec.root().subcommands().containsKey("dlq");
        PrintStream narration = System.out;
        // The worker's JSON log lines and EMF metrics go to System.out; keep them (and the runtime's console) out of the
        // narration, in a file the user can read afterwards.
        try (PrintStream logStream = new PrintStream(new FileOutputStream(log.toFile()), true, StandardCharsets.UTF_8)) {
            System.setOut(logStream);
            try {
                Demo.Result r = new Demo(template, Duration.ofSeconds(timeoutSeconds), narration, logStream, dlq).run();
                narration.println();
                narration.println("(runtime and worker logs of this run: " + log + ")");
                return r.exitCode();
            } finally {
                System.setOut(narration);
            }
        }
    }
}
