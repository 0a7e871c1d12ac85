"""Exceptions a task or hook raises to say how its call ended, and the client's own errors."""


class PermanentError(Exception):
    """The job can never succeed as sent: answered 422, so the worker moves it to the DLQ with this message."""

    def __init__(self, message="permanent failure"):
        super().__init__(message)
        self.message = str(message)


class RetryLater(Exception):
    """Not now: answered 429 with Retry-After so the worker tries again after `seconds`."""

    def __init__(self, seconds=60, message=None):
        seconds = int(seconds)
        if seconds < 0:
            raise ValueError("RetryLater seconds must be >= 0")
        self.seconds = seconds
        self.message = message or f"retry in {seconds} s"
        super().__init__(self.message)


class OutriggerError(Exception):
    """Base class for errors raised by the client itself."""


class InvalidEnvelope(OutriggerError, ValueError):
    """The job envelope does not match events/schema/job-envelope.v1.json."""

    def __init__(self, violations):
        self.violations = list(violations)
        super().__init__("invalid job envelope: " + "; ".join(f"{v.field}: {v.message}" for v in self.violations))


class MessageTooLarge(OutriggerError, ValueError):
    """The encoded envelope is larger than the queue accepts; nothing was sent."""

    def __init__(self, size, limit, queue, source="the queue's MaximumMessageSize"):
        self.size = size
        self.limit = limit
        self.queue = queue
        self.source = source
        super().__init__(
            f"job envelope is {size} bytes, over the {limit}-byte limit of queue {queue!r} ({source}); "
            "nothing was sent (put large data in S3 or the database and send a reference)")


class QueueLimitUnknown(OutriggerError):
    """The queue's MaximumMessageSize could not be read (GetQueueAttributes failed); nothing was sent."""
