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


class QueueNotFound(OutriggerError):
    """The queue URL in OUTRIGGER["QUEUES"] names no queue at the SQS endpoint; nothing was sent."""

    def __init__(self, queue, url, endpoint, available):
        self.queue = queue
        self.url = url
        self.available = available
        if available is None:
            there = "the queues there could not be listed"
        elif available:
            shown = ", ".join(available[:20]) + (f" and {len(available) - 20} more" if len(available) > 20 else "")
            there = f"the queues there: {shown}"
        else:
            there = "it has no queues at all"
        super().__init__(
            f"SQS at {endpoint} has no queue {url} (OUTRIGGER[\"QUEUES\"][{queue!r}]); {there}. Nothing was sent. "
            f"Set OUTRIGGER[\"QUEUES\"][{queue!r}] to the URL the stack creates (outrigger-<env>-jobs-default, "
            "-jobs-heavy): the stack outputs JobsDefaultQueueUrl and JobsHeavyQueueUrl, and `./outrigger local up` "
            "prints every queue's URL")


class EndpointUrlNotSet(OutriggerError):
    """The queue URL is local (the local runtime) but boto3's endpoint is AWS's, because OUTRIGGER["ENDPOINT_URL"] is
    unset: it found no credentials, or could not reach AWS; nothing was sent."""

    def __init__(self, url, endpoint, found):
        self.url = url
        super().__init__(
            f"{found}: the queue URL {url} is local, but OUTRIGGER[\"ENDPOINT_URL\"] is not set, so boto3 sends to "
            f"AWS instead. Set OUTRIGGER[\"ENDPOINT_URL\"] = \"{endpoint}\" (or the environment variable your "
            "settings read it from, e.g. OUTRIGGER_ENDPOINT_URL); against the local runtime no credentials are "
            "needed then. Nothing was sent")


class QueueLimitUnknown(OutriggerError):
    """The queue's MaximumMessageSize could not be read (GetQueueAttributes failed); nothing was sent."""


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
