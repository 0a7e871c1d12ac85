package dev.outrigger.local.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * One schedule read from a crontab line or a beat entry, before conversion.
 *
 * @param name        schedule name (beat entry name, or the hook name for a crontab line)
 * @param location    where it came from, for errors: "crontab:12" or "beat.py: entry 'send-report'"
 * @param hook        Django hook (management command) or Celery task name
 * @param mode        "call" (signed POST to Django's hook endpoint) or "enqueue" (a django.task job)
 * @param args        the hook's args: a JSON array for a management command, {"args","kwargs"[,"queue"]} for a task
 * @param original    the source text, echoed as a comment in the output
 * @param enabled     false: a django-celery-beat row switched off; the schedule is written DISABLED
 * @param start       django-celery-beat's start_time (the schedule's StartDate), or null
 * @param end         django-celery-beat's expires (the schedule's EndDate), or null
 * @param notes       what the reader knows that the output should say (options not carried, beat quirks)
 * @param hookToWrite the crontab command is not a Django management command: the hook named from it does not exist
 *                    yet, and must be written in Django (@outrigger_hook) to do what the command did
 */
public record SourceEntry(String name, String location, ScheduleSource source, ZoneId zone, String hook, String mode,
                          JsonNode args, String original, boolean enabled, Instant start, Instant end,
                          List<String> notes, boolean hookToWrite) {
    public SourceEntry {
        notes = List.copyOf(notes);
    }

    /** An enabled entry without a start or end date, whose hook exists. */
    public SourceEntry(String name, String location, ScheduleSource source, ZoneId zone, String hook, String mode,
                       JsonNode args, String original) {
        this(name, location, source, zone, hook, mode, args, original, true, null, null, List.of(), false);
    }
}
