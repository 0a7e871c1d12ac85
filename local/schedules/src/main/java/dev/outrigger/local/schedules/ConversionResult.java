package dev.outrigger.local.schedules;

import java.util.List;

/** Converted schedules, and every entry that was refused with its location and reason. */
public record ConversionResult(List<ConvertedSchedule> schedules, List<ScheduleError> errors) {
    public boolean ok() {
        return errors.isEmpty();
    }
}
