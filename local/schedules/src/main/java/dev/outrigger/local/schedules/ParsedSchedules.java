package dev.outrigger.local.schedules;

import java.util.List;

/** What a parser read: the entries it understood and an error for each it could not. */
public record ParsedSchedules(List<SourceEntry> entries, List<ScheduleError> errors) {
}
