package dev.outrigger.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs the {@code outrigger} CLI in process with stdout and stderr captured. */
final class SfnCli {
    static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    static final ObjectMapper MAPPER = new ObjectMapper();

    record Result(int exitCode, String out, String err) {
        /** Stdout parsed strictly: exactly one JSON object and nothing else. */
        ObjectNode json() {
            try (var parser = MAPPER.createParser(out)) {
                JsonNode node = MAPPER.readTree(parser);
                if (!(node instanceof ObjectNode o)) {
                    throw new AssertionError("stdout is not a JSON object: " + out);
                }
                if (parser.nextToken() != null) {
                    throw new AssertionError("stdout has more than one JSON value: " + out);
                }
                return o;
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }
    }

    private SfnCli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OutriggerCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static String root(String relative) {
        return ROOT.resolve(relative).toString();
    }
}
