package dev.outrigger.local.cli;

import dev.outrigger.core.SecretSources;
import dev.outrigger.local.runtime.EnvFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The signing secret `local up` gives its functions, so a fresh clone works without configuration.
 *
 * <p>Order: an explicit configuration wins (OUTRIGGER_SIGNING_SECRET in the environment of `local up`, or
 * OUTRIGGER_SIGNING_SECRET / OUTRIGGER_SIGNING_SECRET_ARN in the env file); otherwise a random secret is generated
 * once into {@code .outrigger/signing-secret} (mode 600, beside the template; {@code .outrigger/} is git-ignored) and
 * reused by later runs, so Django keeps working across restarts.
 *
 * <p>The template's Globals set OUTRIGGER_SIGNING_SECRET_ARN (a placeholder ARN), and {@link SecretSources#fromEnv}
 * prefers the ARN; nothing serves Secrets Manager locally, so whenever a literal secret is used the ARN is blanked
 * (a blank variable counts as unset).
 *
 * @param env         variables to add to every function (RuntimeOptions.env)
 * @param file        the generated/reused secret file, if that is where the secret comes from
 * @param generated   true when this run created the file
 * @param description where the secret comes from, for the console (never the secret itself)
 */
record LocalSigningSecret(Map<String, String> env, Optional<Path> file, boolean generated, String description) {

    static final String FILE_NAME = "signing-secret";

    /**
     * @param processEnv the environment of `local up` (System.getenv())
     * @param envFiles   the parsed --env-file (EnvFiles.none() without one)
     * @param stateDir   where to keep the generated secret ({@code .outrigger/} beside the template)
     */
    static LocalSigningSecret resolve(Map<String, String> processEnv, EnvFiles envFiles, Path stateDir) {
        Map<String, String> env = new LinkedHashMap<>();
        if (mentions(envFiles, SecretSources.ARN)) {
            // The user pointed the functions at a secret store on purpose: leave it alone.
            return new LocalSigningSecret(env, Optional.empty(), false, "from the env file (" + SecretSources.ARN + ")");
        }
        if (mentions(envFiles, SecretSources.LITERAL)) {
            env.put(SecretSources.ARN, "");
            return new LocalSigningSecret(env, Optional.empty(), false, "from the env file (" + SecretSources.LITERAL + ")");
        }
        String fromProcess = processEnv.get(SecretSources.LITERAL);
        if (fromProcess != null && !fromProcess.isBlank()) {
            env.put(SecretSources.LITERAL, fromProcess);
            env.put(SecretSources.ARN, "");
            return new LocalSigningSecret(env, Optional.empty(), false, "from the environment (" + SecretSources.LITERAL + ")");
        }
        Path file = stateDir.resolve(FILE_NAME);
        boolean generated = false;
        String secret = read(file);
        if (secret == null) {
            generated = create(file);
            secret = read(file);
            if (secret == null) {
                throw new IllegalStateException(file + ": signing secret file is empty; delete it and start again");
            }
        }
        env.put(SecretSources.LITERAL, secret);
        env.put(SecretSources.ARN, "");
        return new LocalSigningSecret(env, Optional.of(file), generated, (generated ? "generated into " : "read from ") + file);
    }

    /** What `local up` prints: where the secret is and how Django gets the same one (the file path, not the value). */
    String instructions() {
        if (file.isEmpty()) {
            return "Signing secret: " + description + "; Django must use the same OUTRIGGER_SIGNING_SECRET.";
        }
        Path f = file.get();
        return "Signing secret: " + description + " (mode 600, git-ignored). Give Django the same one:\n"
                + "  export OUTRIGGER_SIGNING_SECRET=$(cat " + f.toAbsolutePath().normalize() + ")";
    }

    private static boolean mentions(EnvFiles envFiles, String name) {
        if (isSet(envFiles.all().get(name))) {
            return true;
        }
        return envFiles.perFunction().values().stream().anyMatch(vars -> isSet(vars.get(name)));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static String read(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the signing secret: " + e.getMessage(), e);
        }
    }

    /** Creates the file with mode 600 from the start (no window where it is world-readable). False if another run won. */
    private static boolean create(Path file) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        try {
            Files.createDirectories(file.getParent());
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            Path tmp;
            try {
                tmp = Files.createTempFile(file.getParent(), ".signing-secret", ".tmp", PosixFilePermissions.asFileAttribute(ownerOnly));
            } catch (UnsupportedOperationException e) {   // not a POSIX file system (Windows): best effort
                tmp = Files.createTempFile(file.getParent(), ".signing-secret", ".tmp");
            }
            Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
            try {
                // A hard link fails if the file exists, so two starts at once agree on one secret.
                Files.createLink(file, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, file);
                return true;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the signing secret: " + e.getMessage(), e);
        }
    }
}
