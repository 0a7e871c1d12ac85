package dev.outrigger.bench.launch;

import dev.outrigger.core.EnvelopeValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Cold start of envelope validation alone, one fresh JVM per run: JVM start, build the validator, validate one
 * envelope. Usage: {@code ValidatorStartMain <core|none> <envelope file>}; {@code none} only parses the JSON with
 * the shared mapper (the floor the validator shares). networknt, which core used until 2026-11, is no longer in the
 * worker jar; its figure (+1055 ms) is in bench/README.md's history.
 */
public final class ValidatorStartMain {
    private ValidatorStartMain() {
    }

    public static void main(String[] args) throws Exception {
        long mainNs = System.nanoTime();
        String body = Files.readString(Path.of(args[1]));
        int violations;
        long readyNs;
        switch (args[0]) {
            case "core" -> {
                EnvelopeValidator validator = EnvelopeValidator.shared();
                readyNs = System.nanoTime();
                List<EnvelopeValidator.Violation> found = validator.validate(body);
                violations = found.size();
            }
            case "none" -> {
                readyNs = System.nanoTime();
                violations = dev.outrigger.core.Json.MAPPER.readTree(body).size() > 0 ? 0 : 1;
            }
            default -> throw new IllegalArgumentException("unknown validator " + args[0]);
        }
        long doneNs = System.nanoTime();
        System.out.println("BENCH init_ms=" + LambdaLikeMain.ms(readyNs - mainNs)
                + " first_invoke_ms=" + LambdaLikeMain.ms(doneNs - readyNs)
                + " violations=" + violations + ' ' + ProcStatus.read());
        System.out.flush();
        System.exit(0);
    }
}
