package dev.outrigger.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "--older-than 2h": a duration back from now (90s, 15m, 2h, 3d, 1w, or ISO PT2H) or an RFC 3339 instant. */
public final class TimeSpec {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(s|m|h|d|w)");

    private TimeSpec() {
    }

    public static Instant parse(String text, Instant now) {
        String s = text == null ? "" : text.trim();
        Matcher m = SHORT.matcher(s.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d);
        }
        try {
            if (s.toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
                return now.minus(Duration.parse(s.toUpperCase(java.util.Locale.ROOT)));
            }
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither a duration (90s, 15m, 2h, 3d, 1w, PT2H) "
                    + "nor an RFC 3339 instant (2026-11-21T10:00:00Z)");
        }
    }
}
