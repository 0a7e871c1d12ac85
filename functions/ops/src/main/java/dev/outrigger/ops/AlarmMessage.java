package dev.outrigger.ops;

/**
 * A notification a person can act on.
 *
 * @param subject SNS-safe: ASCII, one line, under 100 characters
 * @param kind    what the alarm watches, e.g. DLQ_NOT_EMPTY (also published as the outrigger-alarm-kind attribute)
 */
public record AlarmMessage(String subject, String body, AlarmFormatter.Kind kind, String alarmName, String state) {
}
