package dev.outrigger.local.schedules;

import java.util.List;
import java.util.Locale;

/**
 * One field of a Unix cron line (or of a Celery {@code crontab(...)} argument) parsed into a bit mask: bit {@code v}
 * is set when value {@code v} matches. All cron fields fit in a long (minutes 0-59 is the widest).
 *
 * <p>Syntax accepted (the intersection of Vixie cron / cronie and Celery's crontab parser): {@code *}, {@code N},
 * {@code A-B}, {@code *}{@code /S}, {@code A-B/S}, comma lists of those, and English names where the field has them
 * (JAN-DEC, SUN-SAT, case-insensitive). {@code N/S} is refused: Vixie reads it as just N, other crons as N-max/S, so
 * converting it would guess. Ranges that wrap (FRI-MON) are refused: Vixie rejects them.
 */
final class CronField {
    static final List<String> MONTH_NAMES = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    /** Which field, with its bounds and names; names map to {@code nameBase + index}. */
    enum Kind {
        MINUTE("minute", 0, 59, null, 0),
        HOUR("hour", 0, 23, null, 0),
        DAY_OF_MONTH("day of month", 1, 31, null, 0),
        MONTH("month", 1, 12, MONTH_NAMES, 1),
        /** Unix cron day of week: 0-7, 0 and 7 are Sunday. Stored folded to 0-6. */
        DAY_OF_WEEK("day of week", 0, 7, DAY_NAMES, 0),
        /** Celery's day_of_week: 0-6 only, 0 is Sunday. */
        CELERY_DAY_OF_WEEK("day_of_week", 0, 6, DAY_NAMES, 0);

        final String label;
        final int min;
        final int max;
        final List<String> names;
        final int nameBase;

        Kind(String label, int min, int max, List<String> names, int nameBase) {
            this.label = label;
            this.min = min;
            this.max = max;
            this.names = names;
            this.nameBase = nameBase;
        }
    }

    /** A parsed field: the mask, and whether the text began with '*' (Vixie's *_STAR flags hang on that). */
    record Parsed(long mask, boolean star) {
    }

    private CronField() {
    }

    static Parsed parse(String text, Kind kind) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(kind.label + " is empty");
        }
        String t = text.trim();
        long mask = 0;
        for (String part : t.split(",", -1)) {
            mask |= parsePart(part, kind, t);
        }
        if (kind == Kind.DAY_OF_WEEK && (mask & (1L << 7)) != 0) {
            mask = (mask & ~(1L << 7)) | 1L; // 7 is Sunday too
        }
        return new Parsed(mask, t.startsWith("*"));
    }

    private static long parsePart(String part, Kind kind, String whole) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException(kind.label + " '" + whole + "' has an empty list element");
        }
        String range = part;
        int step = 1;
        int slash = part.indexOf('/');
        if (slash >= 0) {
            range = part.substring(0, slash);
            step = number(part.substring(slash + 1), kind, whole, "step");
            if (step < 1) {
                throw new IllegalArgumentException(kind.label + " '" + whole + "' has step 0");
            }
        }
        int lo;
        int hi;
        if (range.equals("*")) {
            lo = kind.min;
            hi = kind == Kind.DAY_OF_WEEK ? 6 : kind.max;
        } else {
            int dash = range.indexOf('-', 1);
            if (dash > 0) {
                lo = value(range.substring(0, dash), kind, whole);
                hi = value(range.substring(dash + 1), kind, whole);
                if (hi < lo) {
                    throw new IllegalArgumentException(kind.label + " range '" + range + "' in '" + whole
                            + "' wraps around; cron does not accept that, write it as two ranges");
                }
            } else {
                lo = value(range, kind, whole);
                if (slash >= 0) {
                    throw new IllegalArgumentException(kind.label + " '" + whole + "' uses N/step ('" + part
                            + "'): cron implementations disagree on it (Vixie reads just N); write "
                            + lo + "-" + kind.max + "/" + step + " or */" + step);
                }
                hi = lo;
            }
        }
        long mask = 0;
        for (int v = lo; v <= hi; v += step) {
            mask |= 1L << v;
        }
        return mask;
    }

    private static int value(String s, Kind kind, String whole) {
        if (kind.names != null) {
            int idx = kind.names.indexOf(s.toUpperCase(Locale.ROOT));
            if (idx >= 0) {
                return idx + kind.nameBase;
            }
        }
        int v = number(s, kind, whole, "value");
        if (v < kind.min || v > kind.max) {
            throw new IllegalArgumentException(kind.label + " value " + v + " in '" + whole + "' is outside "
                    + kind.min + "-" + kind.max + (kind == Kind.CELERY_DAY_OF_WEEK ? " (0 = Sunday)" : ""));
        }
        return v;
    }

    private static int number(String s, Kind kind, String whole, String what) {
        if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(kind.label + " '" + whole + "': '" + s + "' is not a " + what
                    + (kind.names != null ? " or a name (" + kind.names.getFirst() + "…)" : ""));
        }
        return Integer.parseInt(s);
    }

    /** Mask of every value of a field (day of week folded to 0-6). */
    static long full(Kind kind) {
        int hi = kind == Kind.DAY_OF_WEEK ? 6 : kind.max;
        long m = 0;
        for (int v = kind.min; v <= hi; v++) {
            m |= 1L << v;
        }
        return m;
    }
}
