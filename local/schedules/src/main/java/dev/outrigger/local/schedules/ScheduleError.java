package dev.outrigger.local.schedules;

/**
 * A line or entry that cannot be converted, and why.
 *
 * @param needsExport the file is Python this reader does not evaluate (entries assigned one by one, names, calls):
 *                    the live schedule has to come from {@code manage.py outrigger_export_beat} instead
 */
public record ScheduleError(String location, String reason, boolean needsExport) {
    /** The command Django projects export their live beat schedule with; what a file this reader can't evaluate needs. */
    public static final String EXPORT_COMMAND = "python manage.py outrigger_export_beat > beat.json";

    public ScheduleError(String location, String reason) {
        this(location, reason, false);
    }

    public String message() {
        return location + ": " + reason;
    }
}
