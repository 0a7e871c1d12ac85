package dev.outrigger.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "--older-than 2h": a duration back from now (90s, 15m, 2h, 3d, 1w, or ISO PT2H) or an RFC 3339 instant. */
public final class TimeSpec {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(s|m|h|d|w)");

    private TimeSpec() {
    }

    public static Instant parse(String text, Instant now) {
        Optional<Duration> d = durationOf(text);
        if (d.isPresent()) {
            return now.minus(d.get());
        }
        try {
            return Instant.parse(text == null ? "" : text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither a duration (90s, 15m, 2h, 3d, 1w, PT2H) "
                    + "nor an RFC 3339 instant (2026-11-21T10:00:00Z)");
        }
    }

    /** "--timeout 30m": a duration only (90s, 15m, 2h, 3d, 1w, or ISO PT2H). */
    public static Duration duration(String text) {
        return durationOf(text).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not a duration (90s, 15m, 2h, 3d, 1w, PT2H)"));
    }

    private static Optional<Duration> durationOf(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
        }
        if (s.startsWith("p")) {
            try {
                return Optional.of(Duration.parse(s.toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
