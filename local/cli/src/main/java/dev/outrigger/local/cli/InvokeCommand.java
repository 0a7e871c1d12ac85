package dev.outrigger.local.cli;

import dev.outrigger.core.Json;
import dev.outrigger.local.runtime.InvocationResult;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {"Run one function once with an event, like `sam local invoke`, and print its response JSON.",
                "The function gets its template environment; queues and topics it calls live in a throwaway local runtime."})
final class InvokeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FUNCTION", description = "the function's logical id in the template")
    String function;

    @Option(names = {"-e", "--event"}, description = "event JSON file (default: {})")
    Path event;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        String eventJson = "{}";
        if (event != null) {
            try {
                eventJson = Files.readString(event, StandardCharsets.UTF_8);
                Json.MAPPER.readTree(eventJson);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--event " + event + ": file not found");
            } catch (IOException e) {
                throw new IllegalArgumentException("--event " + event + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        RuntimeOptions options = RuntimeOptions.builder(common.template()).envFile(common.envFile).parameters(common.params())
                .region(common.region).port(0).pollers(false).serviceLoaderExtensions(false).console(System.err).build();
        try (LocalRuntime rt = LocalRuntime.start(options)) {
            if (rt.template().functions().get(function) == null) {
                throw new IllegalArgumentException("no function " + function + " in " + common.template() + " (functions: "
                        + String.join(", ", rt.template().functions().keySet()) + ")");
            }
            InvocationResult r = rt.invoke(function, eventJson);
            System.err.println("[" + function + "] " + r.requestId() + " took " + r.duration().toMillis() + " ms");
            if (!r.ok()) {
                System.out.println(r.errorJson());
                if (r.error() != null) {
                    r.error().printStackTrace(System.err);
                }
                return OutriggerCli.FAILURE;
            }
            System.out.println(r.responseJson() == null ? "null" : pretty(r.responseJson()));
            return OutriggerCli.OK;
        }
    }

    private static String pretty(String json) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.MAPPER.readTree(json));
        } catch (IOException e) {
            return json;
        }
    }
}
