"""Outrigger's Django client: publish jobs to SQS and receive signed calls from the Outrigger Lambdas."""
from .context import JobContext, current_job
from .exceptions import (
    BatchNotSent, EndpointUrlNotSet, InvalidBatch, InvalidEnvelope, MessageTooLarge, OutriggerError, PermanentError,
    QueueLimitUnknown, QueueNotFound, RetryLater,
)
from .publisher import publish, publish_many, publish_on_commit, publish_task
from .registry import outrigger_hook, outrigger_task
from .signing import sign, signed_headers

__version__ = "0.1.0"

__all__ = [
    "publish", "publish_many", "publish_on_commit", "publish_task", "outrigger_task", "outrigger_hook",
    "PermanentError", "RetryLater", "InvalidEnvelope", "InvalidBatch", "BatchNotSent", "MessageTooLarge",
    "QueueLimitUnknown", "OutriggerError", "QueueNotFound", "EndpointUrlNotSet", "sign", "signed_headers",
    "current_job", "JobContext",
]
