"""publish(): build a job envelope, check it against the schema and the queue's size limit, send it to SQS."""
import contextlib
import datetime
import ipaddress
import json
import logging
import threading
import uuid
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.db import transaction

from . import conf
from .envelope import Violation, grammar, message_bytes_range, validate_envelope
from .exceptions import EndpointUrlNotSet, InvalidEnvelope, MessageTooLarge, QueueLimitUnknown, QueueNotFound

log = logging.getLogger("outrigger_django")

# SQS DelaySeconds range: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
MAX_DELAY_SECONDS = 900
DJANGO_TASK = "django.task"

_clients = {}
_clients_lock = threading.Lock()
# queue URL (per endpoint and region) -> its MaximumMessageSize, read once
_queue_limits = {}


def sqs_client():
    """The boto3 SQS client for the current settings (cached; boto3 clients are thread-safe)."""
    return aws_client("sqs", conf.get("ENDPOINT_URL"))


def aws_client(service, endpoint):
    """A cached boto3 client for service in the configured region, at endpoint (None: the real AWS endpoint)."""
    import boto3

    region = conf.get("REGION")
    key = (service, region, endpoint)
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


class PreparedJob:
    """An envelope that passed every check, ready to send."""

    def __init__(self, job_id, job_type, queue, queue_url, body, delay_seconds):
        self.job_id = job_id
        self.type = job_type
        self.queue = queue
        self.queue_url = queue_url
        self.body = body
        self.delay_seconds = delay_seconds

    def send(self):
        params = {"QueueUrl": self.queue_url, "MessageBody": self.body}
        if self.delay_seconds:
            params["DelaySeconds"] = self.delay_seconds
        response = _send(sqs_client(), self.queue, params)
        # never log the payload: it may carry personal data
        log.info("outrigger job sent id=%s type=%s queue=%s message_id=%s", self.job_id, self.type, self.queue,
                 response.get("MessageId"))
        return self.job_id


def prepare(job_type, payload, *, queue="default", delay_seconds=0, job_id=None, max_attempts=None,
            timeout_s=None, meta=None):
    """Builds and checks the envelope; raises InvalidEnvelope / MessageTooLarge / ImproperlyConfigured / ValueError."""
    url = conf.queue_url(queue)
    if isinstance(delay_seconds, bool) or not isinstance(delay_seconds, int) \
            or not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
        raise ValueError(f"delay_seconds must be an integer from 0 to {MAX_DELAY_SECONDS}, got {delay_seconds!r}")
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
    return PreparedJob(job_id, job_type, queue, url, body, delay_seconds)


def _unique(violations):
    seen, out = set(), []
    for v in violations:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def publish(type, payload, *, queue="default", delay_seconds=0, job_id=None, max_attempts=None, meta=None,
            timeout_s=None):
    """Sends one job now and returns its id. Nothing is sent if any check fails."""
    return prepare(type, payload, queue=queue, delay_seconds=delay_seconds, job_id=job_id,
                   max_attempts=max_attempts, timeout_s=timeout_s, meta=meta).send()


def publish_on_commit(type, payload, *, queue="default", delay_seconds=0, job_id=None, max_attempts=None,
                      meta=None, timeout_s=None, using=None):
    """Checks the job now (so a bad job fails inside the caller's transaction) and sends it only if the
    surrounding transaction on database `using` commits; nothing is sent on rollback. Returns the job id.
    Outside a transaction (autocommit) it sends at once, as Django's on_commit does."""
    job = prepare(type, payload, queue=queue, delay_seconds=delay_seconds, job_id=job_id,
                  max_attempts=max_attempts, timeout_s=timeout_s, meta=meta)

    def send_after_commit():
        try:
            job.send()
        except Exception:
            log.exception("outrigger job NOT sent after commit id=%s type=%s queue=%s", job.job_id, job.type,
                          job.queue)
            raise

    transaction.on_commit(send_after_commit, using=using)
    return job.job_id


def publish_task(task, args=None, kwargs=None, *, on_commit=False, **options):
    """publish("django.task", {"task": task, "args": [...], "kwargs": {...}}, **options)
    (publish_on_commit when on_commit=True)."""
    payload = {"task": task, "args": list(args or []), "kwargs": dict(kwargs or {})}
    send = publish_on_commit if on_commit else publish
    return send(DJANGO_TASK, payload, **options)
