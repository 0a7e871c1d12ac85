package dev.outrigger.local.schedules;

import java.time.ZoneId;
import java.util.List;

/**
 * One EventBridge Scheduler schedule made from a source entry (a crontab line whose day fields are ORed can give
 * two: {@code <name>-dom} and {@code <name>-dow}).
 *
 * @param notes    facts the reader should know (rate anchoring, a split), written as comments
 * @param warnings where EventBridge fires at different instants than the original (DST), written as comments and
 *                 printed by the CLI
 */
public record ConvertedSchedule(String name, String expression, ZoneId zone, SourceEntry source, List<String> notes,
                                List<String> warnings) {
}
