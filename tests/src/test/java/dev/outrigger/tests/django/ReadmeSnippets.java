package dev.outrigger.tests.django;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code snippets of a README, each with the {@code <!-- docs-test: … -->} comment on the line before its fence,
 * which says what {@link DocsFirstJobIT} does with it. The comments are invisible when the Markdown is rendered, so
 * the README reads as a plain walkthrough. The grammar ({@link Marker}), with PROJECT the directory
 * {@code django-admin startproject} made:
 * <ul>
 *   <li>{@code run in an empty directory}: a shell snippet, run in a new directory (where startproject runs);</li>
 *   <li>{@code run in PROJECT/}: a shell snippet, run in the project directory to its end (exit 0);</li>
 *   <li>{@code run in PROJECT/, in the background}: a shell snippet that starts the server; it replaces the one
 *       already running (a restart);</li>
 *   <li>{@code run in PROJECT/ with: COMMAND}: the snippet is COMMAND's standard input (e.g. {@code manage.py shell});
 *       a {@code print(…)  # TEXT} line says what it prints, and TEXT must be in the output;</li>
 *   <li>{@code write PATH}, {@code append to PATH}: the snippet is (the end of) that file, relative to PROJECT/;</li>
 *   <li>{@code local up: NOTE}: the snippet starts {@code ./outrigger local up} (its last line); the test starts the
 *       runtime in process instead, with what the lines before it export;</li>
 *   <li>{@code skip: REASON}: not run (a Python one must still compile).</li>
 * </ul>
 */
final class ReadmeSnippets {
    /** The fences that are code a reader runs, and so must be marked. */
    static final Set<String> CODE = Set.of("python", "sh", "bash", "shell", "console");
    static final String PROJECT = "mysite";

    private static final Pattern FENCE = Pattern.compile("^```\\s*([A-Za-z0-9_+-]*)\\s*$");
    private static final Pattern MARKER = Pattern.compile("^<!--\\s*docs-test:\\s*(.+?)\\s*-->\\s*$");

    /** What the test does with a snippet. */
    sealed interface Marker {
        record RunInEmptyDirectory() implements Marker {
        }

        record RunInProject() implements Marker {
        }

        record RunInBackground() implements Marker {
        }

        record Pipe(String command) implements Marker {
        }

        record Write(String path) implements Marker {
        }

        record Append(String path) implements Marker {
        }

        record LocalUp(String note) implements Marker {
        }

        record Skip(String reason) implements Marker {
        }

        /** The marker's text parsed, or null when it is none of the grammar's. */
        static Marker parse(String text) {
            String project = "run in " + PROJECT + "/";
            if (text.equals("run in an empty directory")) {
                return new RunInEmptyDirectory();
            }
            if (text.equals(project)) {
                return new RunInProject();
            }
            if (text.equals(project + ", in the background")) {
                return new RunInBackground();
            }
            if (text.startsWith(project + " with: ") && text.length() > (project + " with: ").length()) {
                return new Pipe(text.substring((project + " with: ").length()));
            }
            Matcher file = Pattern.compile("(write|append to) ([\\w./-]+)").matcher(text);
            if (file.matches() && !file.group(2).startsWith("/") && !file.group(2).contains("..")) {
                return file.group(1).equals("write") ? new Write(file.group(2)) : new Append(file.group(2));
            }
            if (text.startsWith("local up: ")) {
                return new LocalUp(text.substring("local up: ".length()));
            }
            if (text.startsWith("skip: ") && !text.substring("skip: ".length()).isBlank()) {
                return new Skip(text.substring("skip: ".length()));
            }
            return null;
        }
    }

    /** One fenced snippet: where it is, its language, its marker (null when it has none) and its code. */
    record Snippet(Path file, int line, String language, String markerText, Marker marker, String code) {
        String where() {
            return file.getFileName() + ":" + line;
        }

        boolean isCode() {
            return CODE.contains(language);
        }
    }

    private ReadmeSnippets() {
    }

    /** Every fenced snippet of the file, in order (or, with a section heading, of that section only). */
    static List<Snippet> read(Path file, String section) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int from = 0;
        int to = lines.size();
        if (section != null) {
            from = lines.indexOf(section);
            if (from < 0) {
                throw new AssertionError(file + " has no section " + section);
            }
            to = from + 1;
            while (to < lines.size() && !lines.get(to).startsWith("## ")) {
                to++;
            }
        }
        List<Snippet> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            int start = i;
            StringBuilder code = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            String markerText = null;
            for (int j = start - 1; j >= 0; j--) {
                if (!lines.get(j).isBlank()) {
                    Matcher m = MARKER.matcher(lines.get(j));
                    markerText = m.matches() ? m.group(1) : null;
                    break;
                }
            }
            out.add(new Snippet(file, start + 1, open.group(1), markerText, markerText == null ? null : Marker.parse(markerText),
                    code.toString()));
        }
        return out;
    }

    /** What is wrong with the snippets' markers, one line each (empty when every code snippet says what to do). */
    static List<String> problems(List<Snippet> snippets) {
        List<String> problems = new ArrayList<>();
        for (Snippet s : snippets) {
            if (s.isCode() && s.markerText() == null) {
                problems.add(s.where() + ": a " + s.language() + " snippet without a <!-- docs-test: … --> line before it"
                        + " (see ReadmeSnippets for what it may say)");
            } else if (s.markerText() != null && s.marker() == null) {
                problems.add(s.where() + ": '" + s.markerText() + "' is not a docs-test marker (see ReadmeSnippets)");
            } else if (s.marker() != null && !s.isCode() && !(s.marker() instanceof Marker.Write) && !(s.marker() instanceof Marker.Append)) {
                problems.add(s.where() + ": a " + (s.language().isEmpty() ? "plain" : s.language())
                        + " fence can only be written to a file, not " + s.markerText());
            } else if (s.marker() instanceof Marker.LocalUp && !lastLine(s.code()).equals("./outrigger local up")) {
                problems.add(s.where() + ": a local up snippet must end with ./outrigger local up");
            }
        }
        return problems;
    }

    static String lastLine(String code) {
        List<String> lines = code.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
    }
}
