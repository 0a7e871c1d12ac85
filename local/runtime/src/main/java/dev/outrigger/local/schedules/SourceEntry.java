package dev.outrigger.local.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneId;

/**
 * One schedule read from a crontab line or a beat entry, before conversion.
 *
 * @param name     schedule name (beat entry name, or the hook name for a crontab line)
 * @param location where it came from, for errors: "crontab:12" or "beat.py: entry 'send-report'"
 * @param hook     Django hook (management command) or Celery task name
 * @param mode     "call" (signed POST to Django's hook endpoint) or "enqueue" (a django.task job)
 * @param args     the hook's args: a JSON array for a management command, {"args","kwargs"[,"queue"]} for a task
 * @param original the source text, echoed as a comment in the output
 */
public record SourceEntry(String name, String location, ScheduleSource source, ZoneId zone, String hook, String mode,
                          JsonNode args, String original) {
}
