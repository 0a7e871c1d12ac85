package dev.outrigger.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.core.Env;
import dev.outrigger.core.SecretSources;
import dev.outrigger.local.runtime.EnvFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSigningSecretTest {
    /** What the template's Globals give every function. */
    private static final Map<String, String> TEMPLATE_ENV =
            Map.of(SecretSources.ARN, "arn:aws:secretsmanager:us-east-1:000000000000:secret:outrigger/signing-local");

    @TempDir
    Path dir;

    @Test
    void resolve_withNothingConfigured_generatesOwnerOnlyFileOnceAndFunctionsUseIt() throws Exception {
        Path state = dir.resolve(".outrigger");

        LocalSigningSecret first = LocalSigningSecret.resolve(Map.of(), EnvFiles.none(), state);
        LocalSigningSecret second = LocalSigningSecret.resolve(Map.of(), EnvFiles.none(), state);

        Path file = state.resolve("signing-secret");
        String onDisk = Files.readString(file).strip();
        assertThat(onDisk).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.generated()).isTrue();
        assertThat(second.generated()).isFalse();
        assertThat(second.env()).isEqualTo(first.env());
        assertThat(secretSeenByFunction(first)).isEqualTo(onDisk);
        assertThat(first.instructions()).contains("export OUTRIGGER_SIGNING_SECRET=$(cat " + file.toAbsolutePath() + ")")
                .doesNotContain(onDisk);
        try (var leftovers = Files.list(state)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("signing-secret");
        }
    }

    @Test
    void resolve_withSecretInProcessEnvironment_passesItAndWritesNoFile() {
        LocalSigningSecret s = LocalSigningSecret.resolve(Map.of(SecretSources.LITERAL, "from-shell"), EnvFiles.none(), dir);

        assertThat(secretSeenByFunction(s)).isEqualTo("from-shell");
        assertThat(s.file()).isEmpty();
        assertThat(dir.resolve("signing-secret")).doesNotExist();
        assertThat(s.instructions()).doesNotContain("from-shell");
    }

    @Test
    void resolve_withSecretInEnvFile_blanksTemplateArnSoTheLiteralIsUsed() {
        EnvFiles envFile = new EnvFiles(Map.of(SecretSources.LITERAL, "from-file"), Map.of());

        LocalSigningSecret s = LocalSigningSecret.resolve(Map.of(SecretSources.LITERAL, "from-shell"), envFile, dir);

        Map<String, String> env = new HashMap<>(TEMPLATE_ENV);
        env.putAll(envFile.forFunction("JobWorkerFunction"));
        env.putAll(s.env());
        assertThat(SecretSources.fromEnv(Env.of(env)).secret()).isEqualTo("from-file");
        assertThat(dir.resolve("signing-secret")).doesNotExist();
    }

    @Test
    void resolve_withArnInEnvFile_leavesSecretStoreConfigurationAlone() {
        EnvFiles envFile = new EnvFiles(Map.of(), Map.of("JobWorkerFunction", Map.of(SecretSources.ARN, "arn:aws:ssm:us-east-1:1:parameter/x")));

        LocalSigningSecret s = LocalSigningSecret.resolve(Map.of(), envFile, dir);

        assertThat(s.env()).isEmpty();
        assertThat(dir.resolve("signing-secret")).doesNotExist();
    }

    @Test
    void resolve_withExistingFile_reusesIt() throws Exception {
        Files.writeString(dir.resolve("signing-secret"), "kept-from-last-time\n");

        LocalSigningSecret s = LocalSigningSecret.resolve(Map.of(), EnvFiles.none(), dir);

        assertThat(s.generated()).isFalse();
        assertThat(secretSeenByFunction(s)).isEqualTo("kept-from-last-time");
    }

    private static String secretSeenByFunction(LocalSigningSecret s) {
        Map<String, String> env = new HashMap<>(TEMPLATE_ENV);
        env.putAll(s.env());
        return SecretSources.fromEnv(Env.of(env)).secret();
    }
}
