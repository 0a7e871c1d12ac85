package dev.outrigger.schedule;

/** Where enqueue-mode hooks put their job: an SQS queue in AWS and locally, a list in tests. */
public interface JobQueue {
    /** Sends one message body; returns the message id. */
    String send(String queueUrl, String body);
}
