package dev.outrigger.local.schedules;

/** A line or entry that cannot be converted, and why. */
public record ScheduleError(String location, String reason) {
    public String message() {
        return location + ": " + reason;
    }
}
