package dev.outrigger.local.schedules;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a user crontab (five time fields and a command per line, as {@code crontab -e} edits it).
 *
 * <p>Blank lines and {@code #} comments are skipped. Environment lines ({@code NAME=value}) are skipped, except
 * {@code CRON_TZ} (cronie: the zone the following lines are evaluated in) and {@code TZ} (honoured the same way,
 * as several crons and most users expect). Macros {@code @yearly @annually @monthly @weekly @daily @midnight
 * @hourly} expand as in Vixie cron's entry.c; {@code @reboot} has no schedule and is refused.
 *
 * <p>A Django management command, {@code [cd DIR &&] [python…] [path/]manage.py NAME [args…] [redirections]} or
 * {@code django-admin NAME …}, becomes hook NAME with the args as strings. Output redirections are dropped (the hook's
 * output goes to CloudWatch Logs). Any other command still gets its schedule: its hook is named from the program it
 * runs ({@code /srv/app/bin/report --daily} is hook {@code report} with args {@code ["--daily"]}; a pipeline or a
 * sequence, hook of its first program with no args) and marked {@link SourceEntry#hookToWrite()}, since Django has no
 * such hook until someone writes it. {@code strict} refuses those lines instead, with the reason.
 */
public final class CrontabParser {
    private static final Pattern ENV = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*)$");
    static final Pattern HOOK_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}");
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    private CrontabParser() {
    }

    public static ParsedSchedules parse(String fileName, String text, ZoneId defaultZone) {
        return parse(fileName, text, defaultZone, true);
    }

    /** @param strict refuse commands that are not one Django management command (else: hooks to write) */
    public static ParsedSchedules parse(String fileName, String text, ZoneId defaultZone, boolean strict) {
        List<SourceEntry> entries = new ArrayList<>();
        List<ScheduleError> errors = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        ZoneId zone = defaultZone;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String loc = fileName + ":" + (i + 1);
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher env = ENV.matcher(line);
            if (env.matches()) {
                String name = env.group(1);
                if (name.equals("CRON_TZ") || name.equals("TZ")) {
                    String v = unquote(env.group(2).strip());
                    try {
                        zone = ZoneId.of(v);
                    } catch (DateTimeException e) {
                        errors.add(new ScheduleError(loc, name + "=" + v + " is not a time zone id (e.g. Europe/Berlin)"));
                    }
                }
                continue;
            }
            try {
                String[] fields;
                String command;
                if (line.startsWith("@")) {
                    String[] p = line.split("\\s+", 2);
                    String macro = p[0].toLowerCase(Locale.ROOT);
                    if (macro.equals("@reboot")) {
                        throw new IllegalArgumentException("@reboot runs at boot, not at a time; EventBridge Scheduler has no boot. "
                                + "Run it from the deploy state machine or the app's startup instead");
                    }
                    String expansion = MACROS.get(macro);
                    if (expansion == null) {
                        throw new IllegalArgumentException("unknown macro " + p[0] + " (known: @yearly @annually @monthly @weekly @daily @midnight @hourly)");
                    }
                    if (p.length < 2 || p[1].isBlank()) {
                        throw new IllegalArgumentException(p[0] + " has no command");
                    }
                    fields = expansion.split(" ");
                    command = p[1].strip();
                } else {
                    String[] p = line.split("\\s+", 6);
                    if (p.length < 6) {
                        throw new IllegalArgumentException("needs five time fields (minute hour day-of-month month day-of-week) and a command");
                    }
                    fields = p;
                    command = p[5].strip();
                }
                CronSpec spec = CronSpec.unix(fields[0], fields[1], fields[2], fields[3], fields[4]);
                Command cmd;
                boolean toWrite = false;
                try {
                    cmd = command(command);
                } catch (NotDjango e) {
                    if (strict) {
                        throw e;
                    }
                    cmd = otherCommand(command);
                    toWrite = true;
                }
                String name = uniqueName(cmd.hook(), names);
                entries.add(new SourceEntry(name, loc, new ScheduleSource.Cron(spec), zone, cmd.hook(), "call",
                        cmd.args(), line, true, null, null, List.of(), toWrite));
            } catch (IllegalArgumentException e) {
                errors.add(new ScheduleError(loc, e.getMessage()));
            }
        }
        return new ParsedSchedules(entries, errors);
    }

    record Command(String hook, ArrayNode args) {
    }

    /** The command is not one Django management command (its message says why). */
    static final class NotDjango extends IllegalArgumentException {
        NotDjango(String message) {
            super(message);
        }
    }

    private static final Pattern INTERPRETER = Pattern.compile("(python[0-9.]*|bash|sh|dash|zsh|node|ruby|perl|php)");
    private static final Pattern ENV_ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");

    /**
     * A command that is not a Django management command, as a hook to write: named from the program it runs (an
     * interpreter's script, after {@code cd DIR &&} and {@code NAME=value} prefixes; its base name without the
     * extension), with its arguments when it is one simple command, none for a pipeline or a sequence.
     */
    static Command otherCommand(String command) {
        List<String> tokens;
        try {
            tokens = new ArrayList<>(shellWords(command.replace("\\%", "%")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("command '" + command + "': " + e.getMessage());
        }
        if (tokens.size() > 3 && tokens.get(0).equals("cd") && tokens.get(2).equals("&&")) {
            tokens = new ArrayList<>(tokens.subList(3, tokens.size()));
        }
        int i = 0;
        while (i < tokens.size() && ENV_ASSIGNMENT.matcher(tokens.get(i)).matches()) {
            i++;
        }
        if (i + 1 < tokens.size() && INTERPRETER.matcher(base(tokens.get(i))).matches() && !tokens.get(i + 1).startsWith("-")) {
            i++;
        }
        if (i >= tokens.size()) {
            throw new IllegalArgumentException("command '" + command + "' names no program");
        }
        if ((base(tokens.get(i)).equals("manage.py") || base(tokens.get(i)).matches("django-admin(\\.py)?"))
                && i + 1 < tokens.size()) {
            i++; // a sequence of management commands: named from the first one
        }
        String program = base(tokens.get(i));
        int dot = program.lastIndexOf('.');
        String hook = (dot > 0 ? program.substring(0, dot) : program).replaceAll("[^A-Za-z0-9_.:-]", "-");
        hook = hook.replaceAll("^[^A-Za-z0-9_]+", "");
        if (!HOOK_NAME.matcher(hook).matches()) {
            throw new IllegalArgumentException("command '" + command + "': no hook name can be made from '" + program + "'");
        }
        List<String> rest = new ArrayList<>(tokens.subList(i + 1, tokens.size()));
        boolean simple = !command.matches(".*(?<!\\\\)%.*");
        try {
            stripRedirections(rest);
        } catch (IllegalArgumentException stdin) {
            simple = false;
        }
        for (String t : rest) {
            simple &= !(t.equals("&&") || t.equals("||") || t.equals(";") || t.equals("|") || t.equals("&")
                    || t.contains("$(") || t.contains("`") || t.contains("$"));
        }
        ArrayNode args = JsonNodeFactory.instance.arrayNode();
        if (simple) {
            rest.forEach(args::add);
        }
        return new Command(hook, args);
    }

    /** Maps a crontab command to a management command name and its args, or says why it cannot. */
    static Command command(String command) {
        if (command.matches(".*(?<!\\\\)%.*")) {
            throw new NotDjango("command contains an unescaped '%', which cron turns into a newline/stdin; "
                    + "only a plain Django management command can become a hook");
        }
        List<String> tokens = shellWords(command.replace("\\%", "%"));
        // cd DIR && ...
        if (tokens.size() > 3 && tokens.get(0).equals("cd") && tokens.get(2).equals("&&")) {
            tokens = tokens.subList(3, tokens.size());
        }
        tokens = new ArrayList<>(tokens);
        stripRedirections(tokens);
        for (String t : tokens) {
            if (t.equals("&&") || t.equals("||") || t.equals(";") || t.equals("|") || t.equals("&")
                    || t.contains("$(") || t.contains("`")) {
                throw new NotDjango("command '" + command + "' is a shell pipeline/sequence ('" + t
                        + "'); only one Django management command can become a hook");
            }
        }
        int i = 0;
        if (i < tokens.size() && base(tokens.get(i)).matches("python[0-9.]*")) {
            i++;
        }
        String hook;
        if (i < tokens.size() && base(tokens.get(i)).equals("manage.py")) {
            i++;
        } else if (i < tokens.size() && base(tokens.get(i)).matches("django-admin(\\.py)?") && i == 0) {
            i++;
        } else {
            throw new NotDjango("command '" + command + "' is not a Django management command "
                    + "([cd DIR &&] [python] manage.py NAME [args]); other commands cannot become hooks");
        }
        if (i >= tokens.size()) {
            throw new IllegalArgumentException("command '" + command + "' names no management command after manage.py");
        }
        hook = tokens.get(i++);
        if (!HOOK_NAME.matcher(hook).matches()) {
            throw new IllegalArgumentException("'" + hook + "' is not a management command name");
        }
        ArrayNode args = JsonNodeFactory.instance.arrayNode();
        tokens.subList(i, tokens.size()).forEach(args::add);
        return new Command(hook, args);
    }

    private static void stripRedirections(List<String> tokens) {
        for (int i = 0; i < tokens.size(); ) {
            String t = tokens.get(i);
            if (t.matches("[0-9&]?>>?&?[0-9]?") && !t.matches("[0-9]?>&[0-9]")) {
                // "> file", ">> file", "2> file", "&> file"
                tokens.remove(i);
                if (i < tokens.size()) {
                    tokens.remove(i);
                }
            } else if (t.matches("[0-9&]?>>?.+")) {
                tokens.remove(i); // ">>/var/log/x", "2>&1", "2>/dev/null"
            } else if (t.equals("<") || t.startsWith("<")) {
                throw new NotDjango("command reads stdin ('" + t + "'); a hook has no stdin");
            } else {
                i++;
            }
        }
    }

    private static String base(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    /** Splits like a POSIX shell for the simple cases: whitespace, '…' and "…" quoting, backslash escapes. */
    static List<String> shellWords(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean in = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < s.length()) {
                    cur.append(s.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                in = true;
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
                in = true;
            } else if (Character.isWhitespace(c)) {
                if (in) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    in = false;
                }
            } else if (c == ';') {
                if (in) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    in = false;
                }
                out.add(";");
            } else {
                cur.append(c);
                in = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("command has an unterminated " + quote + " quote");
        }
        if (in) {
            out.add(cur.toString());
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    static String uniqueName(String base, Map<String, Integer> seen) {
        String n = base.replaceAll("[^0-9A-Za-z_.-]", "-");
        if (n.length() > 56) {
            n = n.substring(0, 56);
        }
        int count = seen.merge(n, 1, Integer::sum);
        return count == 1 ? n : n + "-" + count;
    }
}
