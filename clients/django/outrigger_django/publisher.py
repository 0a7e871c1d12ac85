"""publish(): build a job envelope, check it against the schema and the queue's size limit, send it to SQS."""
import contextlib
import datetime
import ipaddress
import json
import logging
import re
import threading
import time
import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.db import transaction

from . import conf
from .envelope import Violation, grammar, message_bytes_range, validate_envelope
from .exceptions import (
    BatchNotSent, EndpointUrlNotSet, InvalidBatch, InvalidEnvelope, MessageTooLarge, QueueLimitUnknown, QueueNotFound,
)

log = logging.getLogger("outrigger_django")

# SQS DelaySeconds range: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
MAX_DELAY_SECONDS = 900
DJANGO_TASK = "django.task"

# SendMessageBatch takes at most 10 entries:
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
MAX_BATCH_ENTRIES = 10
# how often publish_many sends an entry SQS failed on its side (SenderFault false) before it reports it
BATCH_SEND_ATTEMPTS = 3

# MessageGroupId: 1-128 characters, letters, digits and punctuation
# (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html)
_GROUP_ID = re.compile(r"[!-~]{1,128}")

_clients = {}
_clients_lock = threading.Lock()
# queue URL (per endpoint and region) -> its MaximumMessageSize, read once
_queue_limits = {}


def sqs_client():
    """The boto3 SQS client for the current settings (cached; boto3 clients are thread-safe)."""
    return aws_client("sqs", conf.get("ENDPOINT_URL"))


def aws_client(service, endpoint, config=None):
    """A cached boto3 client for service in the configured region, at endpoint (None: the real AWS endpoint), with
    a botocore Config when given (one per caller, kept in a module constant: it is part of the cache key)."""
    import boto3

    region = conf.get("REGION")
    key = (service, region, endpoint, id(config) if config is not None else None)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            session = boto3.session.Session(region_name=region) if region else boto3.session.Session()
            kwargs = {"endpoint_url": endpoint} if endpoint else {}
            if endpoint and session.get_credentials() is None:
                # a local SQS (ElasticMQ in `outrigger local up`) ignores credentials, but botocore still signs
                kwargs.update(aws_access_key_id="local", aws_secret_access_key="local")
            if session.region_name is None:
                kwargs["region_name"] = "us-east-1"
            if config is not None:
                kwargs["config"] = config
            client = session.client(service, **kwargs)
            _clients[key] = client
        return client


def reset_clients(**_):
    with _clients_lock:
        _clients.clear()
        _queue_limits.clear()


def queue_max_message_bytes(queue, url):
    """The queue's MaximumMessageSize, read with GetQueueAttributes the first time and cached (it changes only with
    the stack); raises QueueLimitUnknown, naming the queue, when it cannot be read."""
    key = (conf.get("REGION"), conf.get("ENDPOINT_URL"), url)
    with _clients_lock:
        limit = _queue_limits.get(key)
    if limit is not None:
        return limit
    hint = (f'; nothing was sent. Grant sqs:GetQueueAttributes on it, or set OUTRIGGER["MAX_MESSAGE_BYTES"] = '
            f'{{{queue!r}: <the queue\'s MaximumMessageSize>}}')
    client = sqs_client()
    try:
        with _queue_call(client, queue, url):
            attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["MaximumMessageSize"])
    except (QueueNotFound, EndpointUrlNotSet):
        raise
    except Exception as e:  # botocore's ClientError (e.g. AccessDenied), EndpointConnectionError...
        raise QueueLimitUnknown(f"cannot read the MaximumMessageSize of queue {queue!r} ({url}): {e}{hint}") from e
    value = attributes.get("Attributes", {}).get("MaximumMessageSize")
    low, high = message_bytes_range()
    if value is None:
        # SQS always answers it; an emulator (ElasticMQ under `outrigger local up`) may not. Then the most SQS takes is
        # the check, and the send itself is the final word.
        log.warning("queue %r (%s) did not report its MaximumMessageSize; checking jobs against SQS's maximum of %d bytes",
                    queue, url, high)
        value = high
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = None
    if limit is None or not low <= limit <= high:
        raise QueueLimitUnknown(f"queue {queue!r} ({url}) answered MaximumMessageSize {value!r}, not {low}..{high}{hint}")
    with _clients_lock:
        _queue_limits[key] = limit
    return limit


setting_changed.connect(reset_clients, dispatch_uid="outrigger_django.reset_clients")


# What SQS answers for a queue URL that names no queue: the query protocol's code (botocore before 1.31, ElasticMQ)
# and the JSON protocol's
_NO_QUEUE_CODES = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}


def _send(client, queue, params):
    with _queue_call(client, queue, params["QueueUrl"]):
        return client.send_message(**params)


@contextlib.contextmanager
def _queue_call(client, queue, url):
    """Turns what boto3 raises for a queue that does not exist, and for a local queue URL that boto3 sends to AWS,
    into errors that say what to fix (QueueNotFound, EndpointUrlNotSet)."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

    try:
        yield
    except (NoCredentialsError, EndpointConnectionError) as e:
        # boto3 sends to its endpoint, never to the queue URL's host: a local queue URL needs a local endpoint
        local = _local_endpoint(url)
        if local and not _local_endpoint(client.meta.endpoint_url):
            found = "no AWS credentials were found" if isinstance(e, NoCredentialsError) \
                else f"boto3 could not connect to {client.meta.endpoint_url}"
            raise EndpointUrlNotSet(url, local, found) from e
        raise
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") not in _NO_QUEUE_CODES:
            raise
        raise QueueNotFound(queue, url, client.meta.endpoint_url, _queue_urls(client)) from e


def _queue_urls(client):
    """The endpoint's queue URLs, or None when they can't be listed (in AWS, Django's role may not ListQueues)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return sorted(client.list_queues().get("QueueUrls", []))
    except (BotoCoreError, ClientError):
        return None


def _local_endpoint(url):
    """scheme://host:port of a queue URL on this machine (the local runtime), else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    return f"{parts.scheme}://{parts.netloc}" if loopback else None


def _now_rfc3339():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def is_fifo(queue_url):
    """SQS FIFO queue names end in .fifo (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html)."""
    return queue_url.rstrip("/").endswith(".fifo")


class PreparedJob:
    """An envelope that passed every check, ready to send.

    group is the SQS MessageGroupId: required on a FIFO queue (which also gets the job id as its deduplication id);
    on a standard queue it names the tenant for SQS fair queueing. size_limit is the limit the body was checked
    against, which a batch of such bodies must not exceed either."""

    def __init__(self, job_id, job_type, queue, queue_url, body, delay_seconds, group=None, size_limit=None):
        self.job_id = job_id
        self.type = job_type
        self.queue = queue
        self.queue_url = queue_url
        self.body = body
        self.delay_seconds = delay_seconds
        self.group = group
        self.fifo = is_fifo(queue_url)
        self.size_limit = size_limit
        self.size = len(body.encode("utf-8"))

    def message_fields(self):
        """SendMessage's (and a SendMessageBatch entry's) fields besides the queue."""
        fields = {"MessageBody": self.body}
        if self.delay_seconds:
            fields["DelaySeconds"] = self.delay_seconds
        if self.group is not None:
            fields["MessageGroupId"] = self.group
        if self.fifo:
            # the job id is the idempotency key end to end; on a FIFO queue SQS drops a repeat within 5 minutes
            fields["MessageDeduplicationId"] = self.job_id
        return fields

    def send(self):
        response = _send(sqs_client(), self.queue, {"QueueUrl": self.queue_url, **self.message_fields()})
        # never log the payload: it may carry personal data
        log.info("outrigger job sent id=%s type=%s queue=%s message_id=%s", self.job_id, self.type, self.queue,
                 response.get("MessageId"))
        return self.job_id


def prepare(job_type, payload, *, queue="default", delay_seconds=0, job_id=None, max_attempts=None,
            timeout_s=None, meta=None, group=None):
    """Builds and checks the envelope; raises InvalidEnvelope / MessageTooLarge / ImproperlyConfigured / ValueError."""
    url = conf.queue_url(queue)
    if isinstance(delay_seconds, bool) or not isinstance(delay_seconds, int) \
            or not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
        raise ValueError(f"delay_seconds must be an integer from 0 to {MAX_DELAY_SECONDS}, got {delay_seconds!r}")
    _check_group(group, queue, url, delay_seconds)
    job_id = str(uuid.uuid4()) if job_id is None else job_id
    envelope = {"version": 1, "id": job_id, "type": job_type, "payload": payload, "created_at": _now_rfc3339()}
    if max_attempts is not None:
        envelope["max_attempts"] = max_attempts
    if timeout_s is not None:
        envelope["timeout_s"] = timeout_s
    if meta is not None:
        envelope["meta"] = meta
    try:
        body = json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False)
    except (TypeError, ValueError) as e:
        if "Out of range float" in str(e):
            # allow_nan=False: Python would write NaN / Infinity, which no JSON parser (nor the worker) accepts
            raise InvalidEnvelope([Violation("payload", "contains NaN or Infinity, which JSON has no number for "
                                                        "(send null or a string instead)")])
        raise InvalidEnvelope([Violation("payload", f"is not JSON-serialisable: {e}")])
    # validate what will actually be on the wire (the encoder turns dates, decimals and UUIDs into strings)
    violations = list(validate_envelope(json.loads(body)))
    # The schema's grammars with their ECMA-262 meaning: a validator's "$" (Python's, Java's) would also let a
    # trailing newline through, the worker's does not.
    for field, value, rules in (("id", job_id, grammar("jobId")), ("type", job_type, grammar("jobType"))):
        if not any(v.field == field for v in violations) and not rules.accepts(value):
            violations.append(Violation(field, f"must be {rules.describe()}"))
    if job_type == DJANGO_TASK and isinstance(payload, dict) and "task" in payload:
        rules = grammar("taskName")
        if not rules.accepts(payload["task"]):
            violations.append(Violation("payload.task", f"must be a task name: {rules.describe()}"))
    if violations:
        raise InvalidEnvelope(_unique(violations))
    size = len(body.encode("utf-8"))
    limit = conf.max_message_bytes(queue)
    source = 'OUTRIGGER["MAX_MESSAGE_BYTES"]'
    if limit is None:
        limit = queue_max_message_bytes(queue, url)
        source = "its MaximumMessageSize"
    if size > limit:
        raise MessageTooLarge(size, limit, queue, source)
    return PreparedJob(job_id, job_type, queue, url, body, delay_seconds, group=group, size_limit=limit)


def _check_group(group, queue, url, delay_seconds):
    if group is not None and not (isinstance(group, str) and _GROUP_ID.fullmatch(group)):
        raise ValueError(f"group must be 1-128 letters, digits or punctuation (an SQS MessageGroupId), got {group!r}")
    if not is_fifo(url):
        return
    if group is None:
        raise ValueError(f"queue {queue!r} is a FIFO queue: give group=... (its MessageGroupId, e.g. the tenant "
                         "whose jobs must run in order); nothing was sent")
    if delay_seconds:
        # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html (DelaySeconds)
        raise ValueError(f"queue {queue!r} is a FIFO queue, and FIFO queues take no per-message delay "
                         f"(delay_seconds={delay_seconds}); nothing was sent")


def _unique(violations):
    seen, out = set(), []
    for v in violations:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def publish(type, payload, *, queue="default", delay_seconds=0, job_id=None, max_attempts=None, meta=None,
            timeout_s=None, group=None):
    """Sends one job now and returns its id. Nothing is sent if any check fails."""
    return prepare(type, payload, queue=queue, delay_seconds=delay_seconds, job_id=job_id,
                   max_attempts=max_attempts, timeout_s=timeout_s, meta=meta, group=group).send()


def publish_on_commit(type, payload, *, queue="default", delay_seconds=0, job_id=None, max_attempts=None,
                      meta=None, timeout_s=None, group=None, using=None):
    """Checks the job now (so a bad job fails inside the caller's transaction) and sends it only if the
    surrounding transaction on database `using` commits; nothing is sent on rollback. Returns the job id.
    Outside a transaction (autocommit) it sends at once, as Django's on_commit does."""
    job = prepare(type, payload, queue=queue, delay_seconds=delay_seconds, job_id=job_id,
                  max_attempts=max_attempts, timeout_s=timeout_s, meta=meta, group=group)

    def send_after_commit():
        try:
            job.send()
        except Exception:
            log.exception("outrigger job NOT sent after commit id=%s type=%s queue=%s", job.job_id, job.type,
                          job.queue)
            raise

    transaction.on_commit(send_after_commit, using=using)
    return job.job_id


def task_job(task, args=None, kwargs=None, **options):
    """publish()'s arguments for a django.task job of task: {"type", "payload", **options}. For a task registered here
    with @outrigger_task, its queue, time_limit and max_retries are the defaults of queue, timeout_s and
    max_attempts."""
    from .registry import get_task

    registered = get_task(task)
    if registered is not None:
        for option, value in registered.envelope_options().items():
            options.setdefault(option, value)
    return {"type": DJANGO_TASK, "payload": {"task": task, "args": list(args or []), "kwargs": dict(kwargs or {})},
            **options}


def publish_task(task, args=None, kwargs=None, *, on_commit=False, **options):
    """publish("django.task", {"task": task, "args": [...], "kwargs": {...}}, **options) with the task's registered
    defaults (task_job), or publish_on_commit when on_commit=True."""
    job = task_job(task, args, kwargs, **options)
    send = publish_on_commit if on_commit else publish
    return send(job.pop("type"), job.pop("payload"), **job)


# publish() keyword arguments a publish_many entry may carry besides "type" and "payload"
_ENTRY_OPTIONS = {"queue", "delay_seconds", "job_id", "max_attempts", "meta", "timeout_s", "group"}


def prepare_many(entries):
    """Prepares every entry (a dict of publish()'s arguments: "type", "payload" and any of queue, delay_seconds,
    job_id, max_attempts, meta, timeout_s, group). Raises InvalidBatch naming each entry that fails a check, or one
    that repeats another's job id, so that a batch is sent whole or not at all."""
    jobs, problems, seen = [], [], {}
    for index, entry in enumerate(entries):
        try:
            if not isinstance(entry, dict):
                raise TypeError(f"must be a dict of publish() arguments, not {type(entry).__name__}")
            unknown = set(entry) - _ENTRY_OPTIONS - {"type", "payload"}
            if unknown or "type" not in entry or "payload" not in entry:
                raise TypeError(f'needs "type" and "payload", and takes only {", ".join(sorted(_ENTRY_OPTIONS))}'
                                + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else ""))
            options = {k: v for k, v in entry.items() if k in _ENTRY_OPTIONS}
            job = prepare(entry["type"], entry["payload"], **options)
        except (TypeError, ValueError, ImproperlyConfigured) as e:
            problems.append((index, entry.get("job_id") if isinstance(entry, dict) else None, e))
            continue
        if job.job_id in seen:
            # one id is one job; on a FIFO queue SQS would even drop the second in silence (deduplication)
            problems.append((index, job.job_id, ValueError(f"repeats the job id of entry {seen[job.job_id]}")))
            continue
        seen[job.job_id] = index
        jobs.append(job)
    if problems:
        raise InvalidBatch(problems)
    return jobs


def publish_many(entries, *, on_commit=False, using=None):
    """Publishes many jobs with SendMessageBatch and returns their ids, in the order given.

    Every entry is checked first (the schema, the queue's size limit, FIFO groups); if any fails, InvalidBatch
    names it and nothing is sent. Then each queue's jobs go out in requests of at most 10 entries whose bodies
    together stay within the queue's size limit. An entry SQS fails on its side (SenderFault false) is sent again,
    up to BATCH_SEND_ATTEMPTS times, on a standard queue; on a FIFO queue it is not, since a later send would put it
    behind the jobs of its group sent after it. Anything not sent in the end raises BatchNotSent, which lists what
    was sent, what failed and why, and what was never tried: an entry is never dropped in silence.
    With on_commit=True the checks run now and the sending waits for the transaction on `using` to commit."""
    jobs = prepare_many(entries)
    if not on_commit:
        return send_many(jobs)

    def send_after_commit():
        try:
            send_many(jobs)
        except Exception:
            log.exception("outrigger jobs NOT all sent after commit (%s jobs)", len(jobs))
            raise

    transaction.on_commit(send_after_commit, using=using)
    return [job.job_id for job in jobs]


def _batches(jobs):
    """Consecutive jobs of one queue, at most MAX_BATCH_ENTRIES and at most their size limit in bytes together."""
    batch, total = [], 0
    for job in jobs:
        starts_new = batch and (job.queue_url != batch[0].queue_url or len(batch) == MAX_BATCH_ENTRIES
                                or total + job.size > job.size_limit)
        if starts_new:
            yield batch
            batch, total = [], 0
        batch.append(job)
        total += job.size
    if batch:
        yield batch


def send_many(jobs):
    """Sends prepared jobs (prepare / prepare_many) with SendMessageBatch; see publish_many."""
    sent, failed = [], []
    batches = list(_batches(jobs))
    for number, batch in enumerate(batches):
        pending = list(batch)
        attempts = 0
        while pending:
            attempts += 1
            client = sqs_client()
            try:
                with _queue_call(client, batch[0].queue, batch[0].queue_url):
                    response = client.send_message_batch(QueueUrl=batch[0].queue_url, Entries=[
                        {"Id": str(i), **job.message_fields()} for i, job in enumerate(pending)])
            except Exception as e:
                # the request itself failed (after botocore's own retries): stop, and say what was not sent
                failed.extend((job, type(e).__name__, str(e)) for job in pending)
                raise BatchNotSent(sent, failed, _rest(batches, number)) from e
            for ok in response.get("Successful", []):
                job = pending[int(ok["Id"])]
                log.info("outrigger job sent id=%s type=%s queue=%s message_id=%s", job.job_id, job.type, job.queue,
                         ok.get("MessageId"))
                sent.append(job.job_id)
            retry = []
            for bad in response.get("Failed", []):
                job = pending[int(bad["Id"])]
                if not bad.get("SenderFault") and not job.fifo and attempts < BATCH_SEND_ATTEMPTS:
                    retry.append(job)
                else:
                    failed.append((job, bad.get("Code", ""), bad.get("Message", "")))
            pending = retry
            if pending:
                time.sleep(0.1 * 2 ** (attempts - 1))  # SQS failed these on its side: a moment, then again
        if failed and batch[0].fifo:
            # sending the group's later jobs would overtake the one that failed
            raise BatchNotSent(sent, failed, _rest(batches, number))
    if failed:
        raise BatchNotSent(sent, failed, [])
    return [job.job_id for job in jobs]


def _rest(batches, number):
    return [job for batch in batches[number + 1:] for job in batch]
