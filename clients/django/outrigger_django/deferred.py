"""Deferring a prepared job to its run_after: up to 15 minutes with SQS DelaySeconds, later with a one-time
EventBridge Scheduler schedule whose target sends the same envelope to the job queue and which deletes itself after
it fired (ActionAfterCompletion DELETE)."""
import json
import math
import re
from datetime import timedelta
from datetime import timezone as dt_timezone
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .publisher import MAX_DELAY_SECONDS, aws_client

# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html: Name is 1-64 of [0-9a-zA-Z-_.]
SCHEDULE_NAME_PREFIX = "task-"
_SCHEDULE_NAME = re.compile(r"[0-9a-zA-Z_.-]{1,64}")
_SQS_HOST = re.compile(r"(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?)")


def delay_seconds(run_after, now):
    """Whole seconds from now until run_after, rounded up (a job never runs early); 0 when it is due."""
    return max(0, math.ceil((run_after - now).total_seconds()))


def needs_schedule(seconds):
    """SQS holds a message back for at most 15 minutes; anything later goes through EventBridge Scheduler."""
    return seconds > MAX_DELAY_SECONDS


class Deferral:
    """When a job is due, decided once: SQS DelaySeconds (up to 15 minutes) or a one-time schedule (later).

    options: the Tasks backend's scheduler settings (SCHEDULE_GROUP, SCHEDULER_ROLE_ARN, ...), needed only when
    the job is scheduled; `check` refuses a deferral that can't be made before anything is written or sent."""

    def __init__(self, when, now, options=None, options_name="the OPTIONS of the OutriggerBackend in TASKS"):
        self.when = when
        self.options_name = options_name
        seconds = 0 if when is None else delay_seconds(when, now)
        self.scheduled = needs_schedule(seconds)
        self.seconds = seconds
        # what goes into the envelope's SendMessage: a scheduled job is sent by Scheduler at its time, undelayed
        self.delay_seconds = 0 if self.scheduled else seconds
        self.options = options or {}

    def check(self, job):
        """Raises ImproperlyConfigured / ValueError when the prepared job can't be deferred as decided."""
        if not self.scheduled:
            return
        if not (self.options.get("SCHEDULE_GROUP") and self.options.get("SCHEDULER_ROLE_ARN")):
            raise ImproperlyConfigured(
                f"run_after is {self.seconds} s away, beyond SQS's 15-minute delay: set SCHEDULE_GROUP and "
                f"SCHEDULER_ROLE_ARN in {self.options_name} (template outputs) to defer it with EventBridge Scheduler")
        if job.fifo:
            raise ValueError(f"queue {job.queue!r} is a FIFO queue: a job can't be deferred beyond 15 minutes into it "
                             "(Scheduler's SQS target would need its group)")
        schedule_name(job.job_id)
        queue_arn(job.queue_url, "us-east-1")

    def dispatch(self, job, description=""):
        """Sends the job now (with its DelaySeconds), or creates its one-time schedule. Returns the job id."""
        if not self.scheduled:
            return job.send()
        o = self.options
        schedule(job, self.when, group=o["SCHEDULE_GROUP"], role_arn=o["SCHEDULER_ROLE_ARN"],
                 dead_letter_arn=o.get("SCHEDULER_DEAD_LETTER_ARN"), endpoint=o.get("SCHEDULER_ENDPOINT_URL"),
                 description=description)
        return job.job_id


def schedule_name(job_id):
    name = SCHEDULE_NAME_PREFIX + job_id
    if not _SCHEDULE_NAME.fullmatch(name):
        raise ValueError(f"job id {job_id!r} does not make a valid schedule name (1-64 of 0-9 a-z A-Z - _ .)")
    return name


def at_expression(when):
    """at(yyyy-mm-ddThh:mm:ss) in UTC, rounded up to the second (Scheduler's at() has no fractions)."""
    utc = when.astimezone(dt_timezone.utc)
    if utc.microsecond:
        utc = utc.replace(microsecond=0) + timedelta(seconds=1)
    return f"at({utc.strftime('%Y-%m-%dT%H:%M:%S')})"


def _partition(region):
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def queue_arn(queue_url, default_region):
    """The ARN of the queue at queue_url (https://sqs.<region>.amazonaws.com/<account>/<name>; a local endpoint
    such as http://127.0.0.1:9324/000000000000/<name> takes default_region)."""
    parts = urlsplit(queue_url)
    path = [p for p in parts.path.split("/") if p]
    if len(path) != 2 or not path[0].isdigit():
        raise ImproperlyConfigured(f"queue URL {queue_url!r} is not <endpoint>/<account id>/<queue name>")
    match = _SQS_HOST.fullmatch(parts.hostname or "")
    region = (match.group(1) or match.group(2)) if match else default_region
    return f"arn:{_partition(region)}:sqs:{region}:{path[0]}:{path[1]}"


def _add_action_after_completion(request, **_):
    # botocore before 1.32 (Debian bookworm ships 1.29) does not know ActionAfterCompletion, which Scheduler added in
    # November 2023; without it a fired one-time schedule stays in its group for good. Put it on the wire ourselves.
    body = json.loads(request.data or b"{}")
    body.setdefault("ActionAfterCompletion", "DELETE")
    request.data = json.dumps(body).encode("utf-8")


def _knows_action_after_completion(client):
    return "ActionAfterCompletion" in client.meta.service_model.operation_model("CreateSchedule").input_shape.members


def schedule(job, when, *, group, role_arn, dead_letter_arn=None, endpoint=None, description=""):
    """Creates the one-time schedule that sends job (a publisher.PreparedJob) to its queue at when. Returns the
    schedule name."""
    client = aws_client("scheduler", endpoint)
    target = {
        "Arn": queue_arn(job.queue_url, client.meta.region_name),
        "RoleArn": role_arn,
        "Input": job.body,
    }
    if dead_letter_arn:
        target["DeadLetterConfig"] = {"Arn": dead_letter_arn}
    params = {
        "Name": schedule_name(job.job_id),
        "GroupName": group,
        "ScheduleExpression": at_expression(when),
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Target": target,
        # the job id makes a retried CreateSchedule idempotent
        "ClientToken": job.job_id[:64],
        "Description": description[:512],
    }
    if _knows_action_after_completion(client):
        params["ActionAfterCompletion"] = "DELETE"
    else:
        client.meta.events.register("before-sign.scheduler.CreateSchedule", _add_action_after_completion,
                                    unique_id="outrigger-action-after-completion")
    client.create_schedule(**params)
    return params["Name"]
