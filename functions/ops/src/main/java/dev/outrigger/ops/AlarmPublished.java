package dev.outrigger.ops;

/** What {@link AlarmNotificationHandler} returns: the ops topic's message id, the subject and the alarm's kind. */
public record AlarmPublished(String messageId, String subject, String kind) {
}
