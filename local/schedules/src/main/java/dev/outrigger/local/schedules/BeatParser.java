package dev.outrigger.local.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a Celery beat schedule: the {@code CELERY_BEAT_SCHEDULE} / {@code CELERYBEAT_SCHEDULE} /
 * {@code beat_schedule} dict of a settings module or celery.py (Python literal, see {@link PyLiteral}), or a JSON
 * file holding that dict (optionally as {"timezone": …, "beat_schedule": {…}}). The zone is
 * {@code CELERY_TIMEZONE} / {@code timezone} when the file sets it (a name such as TIME_ZONE is looked up among
 * the file's string assignments), else the default.
 *
 * <p>Each entry needs {@code task} and {@code schedule}: a number of seconds, {@code timedelta(…)},
 * {@code schedule(run_every=…)} or {@code crontab(minute, hour, day_of_week, day_of_month, month_of_year)};
 * {@code solar(…)} and {@code relative=True} are refused. {@code args}, {@code kwargs} and {@code options.queue}
 * are carried into the hook input. Beat entries become {@code enqueue} hooks: a {@code django.task} job for the
 * task, as Celery would have queued it.
 *
 * <p>A settings file is Python, and this reader evaluates literals only. Entries assigned one by one
 * ({@code CELERY_BEAT_SCHEDULE['ping'] = …}), {@code update()}, names ({@code 'schedule': PERIOD}) and calls other
 * than the schedule constructors ({@code crontab(hour=env.int('H', 3))}) are errors marked
 * {@link ScheduleError#needsExport()}: the live schedule then comes from {@code manage.py outrigger_export_beat},
 * whose JSON this reader takes as it is: per entry also {@code source} (where it came from, part of the location),
 * {@code timezone}, {@code enabled}, {@code start_time}, {@code expires} (ISO instants), {@code notes}, the schedule
 * {@code {"clocked": instant}}, and a top-level {@code refused} list of {@code {name, source, reason}}.
 */
public final class BeatParser {
    private static final Set<String> SCHEDULE_NAMES = Set.of("CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE", "beat_schedule");
    private static final Set<String> ZONE_NAMES = Set.of("CELERY_TIMEZONE", "timezone");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BeatParser() {
    }

    public static ParsedSchedules parse(String fileName, String text, ZoneId defaultZone) {
        List<SourceEntry> entries = new ArrayList<>();
        List<ScheduleError> errors = new ArrayList<>();
        Map<?, ?> schedule = null;
        int scheduleLine = 1;
        Object zoneValue = null;
        Map<String, Object> assigned = new HashMap<>();
        List<?> refused = List.of();
        try {
            List<PyLiteral.Token> tokens = PyLiteral.tokenize(text);
            int first = 0;
            if (tokens.getFirst().text().equals("{")) {
                // A bare dict: JSON, or a Python literal of the schedule itself.
                Object v = PyLiteral.valueAt(tokens, 0, new int[1]);
                if (!(v instanceof Map<?, ?> m)) {
                    throw new PyLiteral.SyntaxError(1, "expected a dict");
                }
                if (m.get("beat_schedule") instanceof Map<?, ?> inner) {
                    schedule = inner;
                    zoneValue = m.get("timezone");
                    if (m.get("refused") instanceof List<?> r) {
                        refused = r;
                    }
                } else {
                    schedule = m;
                }
                first = tokens.size();
            }
            for (int i = first; i < tokens.size() - 2; i++) {
                PyLiteral.Token t = tokens.get(i);
                String last = t.type() == PyLiteral.T.NAME ? t.text().substring(t.text().lastIndexOf('.') + 1) : "";
                PyLiteral.Token after = tokens.get(i + 1);
                if (t.type() == PyLiteral.T.NAME && !SCHEDULE_NAMES.contains(last) && t.text().contains(".")
                        && SCHEDULE_NAMES.contains(t.text().substring(0, t.text().lastIndexOf('.')).replaceAll(".*\\.", ""))) {
                    // CELERY_BEAT_SCHEDULE.update(...), app.conf.beat_schedule.setdefault(...)
                    errors.add(needsExport(fileName + ":" + t.line(), "changes the beat schedule with " + last + "()"));
                    continue;
                }
                if (t.type() == PyLiteral.T.NAME && SCHEDULE_NAMES.contains(last) && after.type() == PyLiteral.T.OP
                        && (after.text().equals("[") || after.text().equals("+") || after.text().equals("|"))) {
                    errors.add(needsExport(fileName + ":" + t.line(), after.text().equals("[")
                            ? "assigns entries into " + t.text() + " one by one" : "adds to " + t.text() + " with an operator"));
                    continue;
                }
                if (t.type() != PyLiteral.T.NAME || !after.text().equals("=") || after.type() != PyLiteral.T.OP) {
                    continue;
                }
                if (SCHEDULE_NAMES.contains(last) || ZONE_NAMES.contains(last)
                        || tokens.get(i + 2).type() == PyLiteral.T.STRING) {
                    int[] end = new int[1];
                    Object v = PyLiteral.valueAt(tokens, i + 2, end);
                    if (SCHEDULE_NAMES.contains(last)) {
                        if (!(v instanceof Map<?, ?> m)) {
                            errors.add(needsExport(fileName + ":" + t.line(), t.text() + " = " + describe(v)
                                    + " is not a dict literal"));
                            i = end[0] - 1;
                            continue;
                        }
                        schedule = m;
                        scheduleLine = t.line();
                    } else if (ZONE_NAMES.contains(last)) {
                        zoneValue = v;
                    }
                    if (v instanceof String s) {
                        assigned.put(last, s);
                    }
                    i = end[0] - 1;
                }
            }
        } catch (PyLiteral.SyntaxError e) {
            errors.add(new ScheduleError(fileName + ":" + e.line, e.getMessage()));
            return new ParsedSchedules(entries, errors);
        }
        boolean cannotEvaluate = errors.stream().anyMatch(ScheduleError::needsExport);
        if (schedule == null) {
            if (!cannotEvaluate) {
                errors.add(new ScheduleError(fileName, "no CELERY_BEAT_SCHEDULE / beat_schedule dict found"));
            }
            return new ParsedSchedules(entries, errors);
        }
        ZoneId zone = defaultZone;
        if (zoneValue instanceof PyLiteral.Name n && assigned.get(n.name()) instanceof String s) {
            zoneValue = s;
        }
        if (zoneValue != null) {
            try {
                zone = ZoneId.of(String.valueOf(zoneValue));
            } catch (DateTimeException e) {
                errors.add(new ScheduleError(fileName, "timezone '" + zoneValue + "' is not a time zone id"));
            }
        }
        Map<String, Integer> names = new HashMap<>();
        for (Map.Entry<?, ?> e : schedule.entrySet()) {
            String entryName = String.valueOf(e.getKey());
            String loc = location(fileName, entryName, e.getValue() instanceof Map<?, ?> m ? m.get("source") : null);
            try {
                entries.add(entry(entryName, loc, e.getValue(), zone, names));
            } catch (NeedsExport ex) {
                errors.add(needsExport(loc, ex.getMessage()));
            } catch (IllegalArgumentException | DateTimeException ex) {
                errors.add(new ScheduleError(loc, ex.getMessage()));
            }
        }
        for (Object r : refused) {
            // what the export already found EventBridge cannot express
            Map<?, ?> m = r instanceof Map<?, ?> map ? map : Map.of();
            errors.add(new ScheduleError(location(fileName, String.valueOf(m.get("name")), m.get("source")),
                    String.valueOf(m.get("reason"))));
        }
        if (schedule.isEmpty() && refused.isEmpty() && !cannotEvaluate) {
            errors.add(new ScheduleError(fileName + ":" + scheduleLine, "the beat schedule is empty"));
        }
        return new ParsedSchedules(entries, errors);
    }

    private static String location(String fileName, String entry, Object source) {
        return fileName + ": entry '" + entry + "'" + (source instanceof String s && !s.isBlank() ? " (" + s + ")" : "");
    }

    /** A value only Python can evaluate: a name, or a call that is not a schedule constructor. */
    static final class NeedsExport extends IllegalArgumentException {
        NeedsExport(String message) {
            super(message);
        }
    }

    private static ScheduleError needsExport(String location, String what) {
        return new ScheduleError(location, what + ", which only Python can evaluate; export the live schedule with `"
                + ScheduleError.EXPORT_COMMAND + "` and convert that file", true);
    }

    private static SourceEntry entry(String name, String loc, Object value, ZoneId zone, Map<String, Integer> names) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("is not a dict with 'task' and 'schedule'");
        }
        if (!(m.get("task") instanceof String task) || task.isBlank()) {
            throw new IllegalArgumentException("has no 'task' string");
        }
        if (!CrontabParser.HOOK_NAME.matcher(task).matches()) {
            throw new IllegalArgumentException("task '" + task + "' is not a task name");
        }
        if (!m.containsKey("schedule")) {
            throw new IllegalArgumentException("has no 'schedule'");
        }
        if (Boolean.TRUE.equals(m.get("relative"))) {
            throw new IllegalArgumentException("relative=True rounds the interval to the clock; EventBridge rates cannot");
        }
        ScheduleSource source = schedule(m.get("schedule"));
        if (m.get("timezone") instanceof String z) {
            zone = ZoneId.of(z); // the export's zone of this entry (a django-celery-beat crontab's own)
        }
        ObjectNode args = MAPPER.createObjectNode();
        args.set("args", MAPPER.valueToTree(toJson(m.containsKey("args") ? m.get("args") : List.of())));
        if (!args.get("args").isArray()) {
            throw new IllegalArgumentException("'args' must be a list or tuple");
        }
        args.set("kwargs", MAPPER.valueToTree(toJson(m.containsKey("kwargs") ? m.get("kwargs") : Map.of())));
        if (!args.get("kwargs").isObject()) {
            throw new IllegalArgumentException("'kwargs' must be a dict");
        }
        if (m.get("options") instanceof Map<?, ?> opts && opts.get("queue") != null) {
            args.put("queue", String.valueOf(opts.get("queue")));
        }
        String original = name + ": " + describe(m.get("schedule"));
        boolean enabled = !Boolean.FALSE.equals(m.get("enabled"));
        List<String> notes = m.get("notes") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        return new SourceEntry(CrontabParser.uniqueName(name, names), loc, source, zone, task, "enqueue", args, original,
                enabled, instant(m, "start_time"), instant(m, "expires"), notes, false);
    }

    private static Instant instant(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(String.valueOf(v));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + key + "' " + describe(v) + " is not an ISO instant such as 2027-01-01T00:00:00Z");
        }
    }

    static ScheduleSource schedule(Object s) {
        if (s instanceof Number n) {
            return new ScheduleSource.Interval(interval(seconds(n)));
        }
        if (s instanceof PyLiteral.Call c) {
            String fn = c.name().substring(c.name().lastIndexOf('.') + 1);
            switch (fn) {
                case "timedelta":
                    return new ScheduleSource.Interval(interval(timedelta(c)));
                case "schedule": {
                    Object every = c.kwargs().containsKey("run_every") ? c.kwargs().get("run_every")
                            : c.args().isEmpty() ? null : c.args().getFirst();
                    if (every == null) {
                        throw new IllegalArgumentException("schedule() has no run_every");
                    }
                    if (Boolean.TRUE.equals(c.kwargs().get("relative"))) {
                        throw new IllegalArgumentException("schedule(relative=True) rounds to the clock; EventBridge rates cannot");
                    }
                    return schedule(every);
                }
                case "crontab":
                    return new ScheduleSource.Cron(crontab(c));
                case "solar":
                    throw new IllegalArgumentException("solar() schedules (sunrise/sunset at a place) have no EventBridge equivalent");
                default:
                    throw new NeedsExport("schedule " + c.name() + "(…) is not crontab, timedelta, schedule or a number: "
                            + "it is a call");
            }
        }
        if (s instanceof Map<?, ?> m) { // JSON form: {"crontab": {...}} or {"timedelta": {...}}
            if (m.get("crontab") instanceof Map<?, ?> kw) {
                return new ScheduleSource.Cron(crontab(new PyLiteral.Call("crontab", List.of(), stringKeys(kw), 0)));
            }
            if (m.get("timedelta") instanceof Map<?, ?> kw) {
                return new ScheduleSource.Interval(interval(timedelta(new PyLiteral.Call("timedelta", List.of(), stringKeys(kw), 0))));
            }
            if (m.containsKey("solar")) {
                throw new IllegalArgumentException("solar schedules have no EventBridge equivalent");
            }
            if (m.get("clocked") instanceof String) {
                return new ScheduleSource.Clocked(instant(m, "clocked"));
            }
        }
        if (s instanceof PyLiteral.Name || s instanceof PyLiteral.Call) {
            throw new NeedsExport("schedule " + describe(s) + " is not crontab(…), timedelta(…), schedule(…) or seconds "
                    + "written out here: it is " + (s instanceof PyLiteral.Name ? "a name" : "a call"));
        }
        throw new IllegalArgumentException("schedule " + describe(s) + " is not crontab(…), timedelta(…), schedule(…) or seconds");
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Duration seconds(Number n) {
        double d = n.doubleValue();
        return Duration.ofNanos(Math.round(d * 1e9));
    }

    private static Duration interval(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("interval " + d + " is not positive");
        }
        if (d.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("runs every " + d.toMillis() / 1000.0 + " s; EventBridge Scheduler's smallest rate is 1 minute");
        }
        if (!d.equals(Duration.ofMinutes(d.toMinutes()))) {
            throw new IllegalArgumentException("interval " + d.toMillis() / 1000.0 + " s is not a whole number of minutes; "
                    + "EventBridge rates are whole minutes, hours or days");
        }
        return d;
    }

    private static final List<String> TIMEDELTA_POSITIONAL = List.of("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks");

    private static Duration timedelta(PyLiteral.Call c) {
        Map<String, Object> kw = new HashMap<>(c.kwargs());
        for (int i = 0; i < c.args().size(); i++) {
            if (i >= TIMEDELTA_POSITIONAL.size()) {
                throw new IllegalArgumentException("timedelta() takes at most 7 arguments");
            }
            kw.put(TIMEDELTA_POSITIONAL.get(i), c.args().get(i));
        }
        double nanos = 0;
        for (Map.Entry<String, Object> e : kw.entrySet()) {
            if (e.getValue() instanceof PyLiteral.Name || e.getValue() instanceof PyLiteral.Call) {
                throw new NeedsExport("timedelta(" + e.getKey() + "=" + describe(e.getValue()) + ") is not a number written out");
            }
            if (!(e.getValue() instanceof Number n)) {
                throw new IllegalArgumentException("timedelta(" + e.getKey() + "=" + describe(e.getValue()) + ") is not a number");
            }
            double unit = switch (e.getKey()) {
                case "weeks" -> 7 * 86400e9;
                case "days" -> 86400e9;
                case "hours" -> 3600e9;
                case "minutes" -> 60e9;
                case "seconds" -> 1e9;
                case "milliseconds" -> 1e6;
                case "microseconds" -> 1e3;
                default -> throw new IllegalArgumentException("timedelta() has no argument '" + e.getKey() + "'");
            };
            nanos += n.doubleValue() * unit;
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    private static final List<String> CRONTAB_POSITIONAL = List.of("minute", "hour", "day_of_week", "day_of_month", "month_of_year");

    private static CronSpec crontab(PyLiteral.Call c) {
        Map<String, Object> kw = new HashMap<>(c.kwargs());
        for (int i = 0; i < c.args().size(); i++) {
            if (i >= CRONTAB_POSITIONAL.size()) {
                throw new IllegalArgumentException("crontab() takes at most 5 positional arguments");
            }
            kw.put(CRONTAB_POSITIONAL.get(i), c.args().get(i));
        }
        for (String k : kw.keySet()) {
            if (!CRONTAB_POSITIONAL.contains(k)) {
                throw new IllegalArgumentException("crontab() argument '" + k + "' is not supported (only " + String.join(", ", CRONTAB_POSITIONAL) + ")");
            }
        }
        CronField.Parsed mi = field(kw, "minute", CronField.Kind.MINUTE);
        CronField.Parsed h = field(kw, "hour", CronField.Kind.HOUR);
        CronField.Parsed w = field(kw, "day_of_week", CronField.Kind.CELERY_DAY_OF_WEEK);
        CronField.Parsed d = field(kw, "day_of_month", CronField.Kind.DAY_OF_MONTH);
        CronField.Parsed mo = field(kw, "month_of_year", CronField.Kind.MONTH);
        return new CronSpec(mi.mask(), h.mask(), d.mask(), mo.mask(), w.mask(), mi.star(), h.star(), d.star(), w.star(),
                CronSpec.DayRule.CELERY);
    }

    private static CronField.Parsed field(Map<String, Object> kw, String name, CronField.Kind kind) {
        Object v = kw.getOrDefault(name, "*");
        String text;
        if (v instanceof Long || v instanceof Integer) {
            text = v.toString();
        } else if (v instanceof String s) {
            text = s;
        } else if (v instanceof Collection<?> col && col.stream().allMatch(x -> x instanceof Long)) {
            text = col.stream().map(Object::toString).collect(Collectors.joining(","));
        } else if (v instanceof PyLiteral.Name || v instanceof PyLiteral.Call) {
            throw new NeedsExport("crontab(" + name + "=" + describe(v) + ") is " + (v instanceof PyLiteral.Name ? "a name" : "a call"));
        } else {
            throw new IllegalArgumentException("crontab(" + name + "=" + describe(v) + "): expected an int, a string or a list of ints");
        }
        try {
            return CronField.parse(text, kind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("crontab(" + name + "=…): " + e.getMessage());
        }
    }

    private static Object toJson(Object v) {
        if (v instanceof PyLiteral.Call || v instanceof PyLiteral.Name) {
            throw new NeedsExport("args/kwargs must be literals, found " + describe(v));
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), toJson(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(BeatParser::toJson).toList();
        }
        return v;
    }

    static String describe(Object v) {
        if (v instanceof PyLiteral.Call c) {
            List<String> parts = new ArrayList<>();
            c.args().forEach(a -> parts.add(describe(a)));
            c.kwargs().forEach((k, a) -> parts.add(k + "=" + describe(a)));
            return c.name() + "(" + String.join(", ", parts) + ")";
        }
        if (v instanceof PyLiteral.Name n) {
            return n.name();
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            try {
                return MAPPER.writeValueAsString(toJson(v));
            } catch (Exception e) {
                return String.valueOf(v);
            }
        }
        return String.valueOf(v);
    }

}
