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

    def __init__(self, size, limit, queue):
        self.size = size
        self.limit = limit
        self.queue = queue
        super().__init__(
            f"job envelope is {size} bytes, over the {limit}-byte limit of queue {queue!r}; "
            "nothing was sent (put large data in S3 or the database and send a reference)")


class InvalidBatch(OutriggerError, ValueError):
    """publish_many: one or more entries failed a check, so none was sent. problems: [(index, job id, error)]."""

    def __init__(self, problems):
        self.problems = list(problems)
        described = "; ".join(f"entry {index}" + (f" (job id {job_id!r})" if job_id else "") + f": {error}"
                              for index, job_id, error in self.problems)
        super().__init__(f"nothing was sent: {described}")


class BatchNotSent(OutriggerError):
    """publish_many sent some jobs but not all. sent: the job ids that were sent; failed: [(PreparedJob, code,
    message)] that SQS refused or that failed in a request; not_tried: the PreparedJobs after a stop."""

    def __init__(self, sent, failed, not_tried):
        self.sent = list(sent)
        self.failed = list(failed)
        self.not_tried = list(not_tried)
        reasons = "; ".join(f"{job.job_id} ({code}: {message})" for job, code, message in self.failed)
        super().__init__(f"{len(self.sent)} job(s) sent, {len(self.failed)} failed: {reasons}"
                         + (f"; {len(self.not_tried)} not tried: " + ", ".join(j.job_id for j in self.not_tried)
                            if self.not_tried else ""))
