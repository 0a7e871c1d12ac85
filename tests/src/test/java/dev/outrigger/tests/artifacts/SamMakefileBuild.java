package dev.outrigger.tests.artifacts;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code sam build} of one function or layer whose {@code Metadata.BuildMethod} is {@code makefile}, done as SAM CLI
 * and aws-lambda-builders do it, without SAM. What they do, read from their source (aws-sam-cli
 * {@code samcli/lib/build/app_builder.py}, {@code _build_function} / {@code _build_layer}, {@code _get_build_options},
 * {@code _get_working_directory_path}; aws-lambda-builders {@code aws_lambda_builders/workflows/custom_make/workflow.py}
 * and {@code actions.py}; the contract in https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/building-custom-runtimes.html):
 * <ol>
 *   <li>The source directory is {@code CodeUri} ({@code ContentUri} for a layer) relative to the template's
 *       directory; {@code Metadata.ProjectRootDirectory}, when set, replaces it.</li>
 *   <li>The Makefile is {@code <source>/Makefile}, or {@code <Metadata.ContextPath>/Makefile} when set. make is
 *       given its original path ({@code --makefile}), never a copy's.</li>
 *   <li>Unless {@code --build-in-source}, the whole source directory is copied into a fresh scratch directory
 *       (a temporary directory), every file and directory named {@code .aws-sam} or {@code .git} left out at any
 *       depth, symbolic links followed, files copied with their times and modes ({@code shutil.copy2}).</li>
 *   <li>make runs in {@code Metadata.WorkingDirectory} when set (mapped into the scratch copy when it lies inside
 *       the source directory, else used as it is), otherwise in the scratch copy (in the source directory with
 *       {@code --build-in-source}).</li>
 *   <li>The command is {@code make --makefile <Makefile> build-<LogicalId>}, with SAM's own environment plus
 *       {@code ARTIFACTS_DIR} ({@code .aws-sam/build/<LogicalId>}, created first). Nothing else is passed:
 *       {@code Metadata.BuildProperties} is not (the makefile workflow's options are the logical id and the working
 *       directory only).</li>
 *   <li>Every makefile resource is built on its own, even when two share a CodeUri (build_graph.py:
 *       "each build with custom Makefile definition should be handled separately"), and the scratch copy is deleted
 *       afterwards.</li>
 * </ol>
 * With {@code --cached}, SAM hashes the {@code CodeUri} directory (not ProjectRootDirectory) to decide whether to
 * build again (build_strategy.py, CachedBuildStrategy).
 */
final class SamMakefileBuild {
    /** What SAM leaves out of the scratch copy (CustomMakeWorkflow.EXCLUDED_FILES). */
    static final Set<String> EXCLUDED = Set.of(".aws-sam", ".git");

    /**
     * A template resource built by make: its code location, the Metadata keys that move the build, and for a function
     * every name its Layers mention (both branches of an !If: the caller keeps the layers the template creates).
     */
    record Resource(String logicalId, String type, String codeUri, String handler, Map<String, String> metadata,
                    List<String> layerNames) {
        boolean isLayer() {
            return type.equals("AWS::Serverless::LayerVersion");
        }
    }

    /** One build: what was copied, how long the copy and make took, and what ARTIFACTS_DIR holds. */
    record Result(Resource resource, Path artifactsDir, long copiedFiles, long copiedBytes, Duration copy, Duration make,
                  long artifactBytes, String output) {
    }

    private SamMakefileBuild() {
    }

    /** Every AWS::Serverless::Function and LayerVersion of the template with Metadata.BuildMethod makefile, in order. */
    static List<Resource> makefileResources(Path template) throws IOException {
        Node root;
        try (Reader reader = Files.newBufferedReader(template)) {
            root = new Yaml(new LoaderOptions()).compose(reader);
        }
        List<Resource> out = new ArrayList<>();
        for (NodeTuple r : ((MappingNode) get(root, "Resources")).getValue()) {
            String id = ((ScalarNode) r.getKeyNode()).getValue();
            String type = scalar(get(r.getValueNode(), "Type"));
            Map<String, String> metadata = new LinkedHashMap<>();
            if (get(r.getValueNode(), "Metadata") instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getValueNode() instanceof ScalarNode v) {
                        metadata.put(((ScalarNode) t.getKeyNode()).getValue(), v.getValue());
                    }
                }
            }
            if (!"makefile".equals(metadata.get("BuildMethod"))) {
                continue;
            }
            Node properties = get(r.getValueNode(), "Properties");
            String code = scalar(get(properties, type.equals("AWS::Serverless::LayerVersion") ? "ContentUri" : "CodeUri"));
            List<String> layers = new ArrayList<>();
            scalars(get(properties, "Layers"), layers);
            out.add(new Resource(id, type, code, scalar(get(properties, "Handler")), Map.copyOf(metadata), List.copyOf(layers)));
        }
        return out;
    }

    /**
     * Whether a plain {@code sam build} builds in source: {@code build_in_source} in samconfig.toml's
     * {@code [default.build.parameters]}, the table sam build reads without {@code --config-env}. False without one.
     */
    static boolean buildInSource(Path samconfig) throws IOException {
        if (!Files.isRegularFile(samconfig)) {
            return false;
        }
        String table = "";
        for (String raw : Files.readAllLines(samconfig)) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                table = line.replaceAll("[\\[\\]\\s]", "");
            } else if (table.equals("default.build.parameters") && line.matches("build_in_source\\s*=\\s*(true|false)\\s*(#.*)?")) {
                return line.contains("true");
            }
        }
        return false;
    }

    /** Logical ids of every AWS::Serverless::Function, whatever its build method. */
    static List<String> functionIds(Path template) throws IOException {
        Node root;
        try (Reader reader = Files.newBufferedReader(template)) {
            root = new Yaml(new LoaderOptions()).compose(reader);
        }
        List<String> out = new ArrayList<>();
        for (NodeTuple r : ((MappingNode) get(root, "Resources")).getValue()) {
            if ("AWS::Serverless::Function".equals(scalar(get(r.getValueNode(), "Type")))) {
                out.add(((ScalarNode) r.getKeyNode()).getValue());
            }
        }
        return out;
    }

    /**
     * Builds one resource as {@code sam build} does.
     *
     * @param baseDir       the template's directory (SAM's base_dir)
     * @param buildRoot     SAM's .aws-sam/build: the artifact goes in {@code <buildRoot>/<LogicalId>}
     * @param buildInSource {@code sam build --build-in-source}
     */
    static Result build(Path baseDir, Resource r, Path buildRoot, boolean buildInSource) throws IOException, InterruptedException {
        if (r.codeUri() == null) {
            throw new IllegalArgumentException(r.logicalId() + " has no local CodeUri/ContentUri to build");
        }
        Path sourceDir = baseDir.resolve(r.codeUri()).toAbsolutePath().normalize();
        if (r.metadata().containsKey("ProjectRootDirectory")) {
            sourceDir = baseDir.resolve(r.metadata().get("ProjectRootDirectory")).toAbsolutePath().normalize();
        }
        Path manifestDir = r.metadata().containsKey("ContextPath")
                ? baseDir.resolve(r.metadata().get("ContextPath")).toAbsolutePath().normalize() : sourceDir;
        Path makefile = manifestDir.resolve("Makefile");
        if (!Files.isRegularFile(makefile)) {
            throw new IllegalStateException(r.logicalId() + ": Makefile not found at " + makefile);
        }
        Path artifacts = buildRoot.resolve(r.logicalId());
        deleteTree(artifacts);
        Files.createDirectories(artifacts);

        Path scratch = Files.createTempDirectory("sam-scratch-" + r.logicalId() + "-");
        try {
            Path buildDir = buildInSource ? sourceDir : scratch;
            long[] copied = {0, 0};
            long copyStart = System.nanoTime();
            if (!buildInSource) {
                copyTree(sourceDir, scratch, copied);
            }
            Duration copy = Duration.ofNanos(System.nanoTime() - copyStart);

            Path workingDir = buildDir;
            if (r.metadata().containsKey("WorkingDirectory")) {
                Path wd = baseDir.resolve(r.metadata().get("WorkingDirectory")).toAbsolutePath().normalize();
                // SAM maps a working directory inside the source into the scratch copy; any other is used as it is.
                workingDir = wd.startsWith(sourceDir) ? scratch.resolve(sourceDir.relativize(wd)).normalize() : wd;
            }

            ProcessBuilder make = new ProcessBuilder("make", "--makefile", makefile.toString(), "build-" + r.logicalId())
                    .directory(workingDir.toFile()).redirectErrorStream(true);
            make.environment().put("ARTIFACTS_DIR", artifacts.toString());
            long makeStart = System.nanoTime();
            Process process = make.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(r.logicalId() + ": make did not finish in 10 minutes\n" + output);
            }
            Duration makeTime = Duration.ofNanos(System.nanoTime() - makeStart);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("make --makefile " + makefile + " build-" + r.logicalId() + " in " + workingDir
                        + " exited " + process.exitValue() + ":\n" + output);
            }
            return new Result(r, artifacts, copied[0], copied[1], copy, makeTime, size(artifacts), output);
        } finally {
            deleteTree(scratch);
        }
    }

    /** aws-lambda-builders' copytree: symbolic links followed, EXCLUDED names skipped at every depth, copy2 semantics. */
    private static void copyTree(Path from, Path to, long[] copied) throws IOException {
        Files.walkFileTree(from, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && EXCLUDED.contains(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (EXCLUDED.contains(file.getFileName().toString())) {
                    return FileVisitResult.CONTINUE;
                }
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                copied[0]++;
                copied[1] += attrs.size();
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Node get(Node map, String key) {
        if (map instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    private static void scalars(Node node, List<String> out) {
        if (node instanceof ScalarNode s) {
            out.add(s.getValue());
        } else if (node instanceof org.yaml.snakeyaml.nodes.SequenceNode seq) {
            seq.getValue().forEach(n -> scalars(n, out));
        } else if (node instanceof MappingNode m) {
            m.getValue().forEach(t -> scalars(t.getValueNode(), out));
        }
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }
}
