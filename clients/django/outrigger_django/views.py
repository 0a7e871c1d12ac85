"""The signed endpoints the Outrigger Lambdas call. See README.md, "HTTP contract"."""
import json
import logging
import math
import time
import traceback
import uuid
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.urls import NoReverseMatch, get_resolver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from . import conf, maintenance, registry
from .context import JobContext, _current
from .exceptions import PermanentError, RetryLater
from .signing import ATTEMPT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify

log = logging.getLogger("outrigger_django")

MAX_ID_LENGTH = 200


class NotJson(ValueError):
    """Python's json module reads NaN, Infinity and numbers too large for a float; JSON has none of them."""


def _refuse_constant(name):
    raise NotJson(f"{name} is not a JSON number")


def _finite_float(text):
    number = float(text)
    if not math.isfinite(number):
        raise NotJson(f"{text} is too large for a number")
    return number


def loads_strict(text):
    """json.loads, refusing NaN, Infinity, -Infinity and numbers that overflow to infinity."""
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)


def _error(status, error, message, **extra):
    response = JsonResponse({"error": error, "message": message, **extra}, status=status)
    response["Cache-Control"] = "no-store"
    return response


# The body names the one action it authorizes with exactly one of these fields (DESIGN.md, "Signed calls to Django").
ACTION_FIELDS = ("task", "hook", "action")


def _route(request):
    """The endpoint's route, relative to where outrigger_django.urls is included: "tasks/reports.generate",
    "maintenance". It comes from the URL resolver (the view that matched and its arguments, reversed in this package's
    own URLconf), so a SCRIPT_NAME, the include prefix or the optional trailing slash don't change it. None when the
    view was reached some other way."""
    from . import urls

    match = request.resolver_match
    if match is None:
        return None
    try:
        return get_resolver(urls).reverse(match.func, **match.kwargs)
    except NoReverseMatch:
        return None


def signed_endpoint(action_field, action=None):
    """POST only; the signature (over the method, the route and the body) and the timestamp verified before the body
    is even parsed; the body's action_field must name this endpoint's action (action, or the URL's name) before the
    view runs; never inside ATOMIC_REQUESTS (the claim must commit on its own)."""

    def decorate(view):
        @csrf_exempt
        @transaction.non_atomic_requests
        def wrapper(request, *args, **kwargs):
            if request.method != "POST":
                response = _error(405, "method_not_allowed", "use POST")
                response["Allow"] = "POST"
                return response
            route = _route(request)
            try:
                raw = request.body
            except RequestDataTooBig:
                # Django's own answer would be its HTML error page; the endpoints answer JSON
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                log.warning("outrigger call refused route=%s reason=body over DATA_UPLOAD_MAX_MEMORY_SIZE", route)
                return _error(413, "payload_too_large",
                              f"the body is over DATA_UPLOAD_MAX_MEMORY_SIZE ({limit} bytes), so it was not read and "
                              "nothing ran; Outrigger's calls carry one job envelope (at most the queue's size limit)")
            try:
                if route is None:
                    raise SignatureError("this view is not routed through outrigger_django.urls")
                scheme = verify(conf.signing_secrets(), request.headers.get(TIMESTAMP_HEADER),
                                request.headers.get(SIGNATURE_HEADER), raw, method=request.method,
                                route=route, tolerance_s=int(conf.get("TIMESTAMP_TOLERANCE_S")),
                                accept_v1_until=conf.accept_v1_until())
            except SignatureError as e:
                log.warning("outrigger call refused route=%s reason=%s", route, e)
                return _error(401, "unauthorized", str(e))
            if scheme == "v1":
                log.info("outrigger accepted a v1 signature route=%s (ACCEPT_V1_SIGNATURES_UNTIL)", route)
            try:
                body = loads_strict(raw.decode("utf-8"))
            except NotJson as e:
                return _error(400, "bad_request", f"body must be a UTF-8 JSON object: {e}")
            except (UnicodeDecodeError, ValueError):
                return _error(400, "bad_request", "body must be a UTF-8 JSON object")
            if not isinstance(body, dict):
                return _error(400, "bad_request", "body must be a JSON object")
            expected = action if action is not None else kwargs["name"]
            named = body.get(action_field)
            others = [f for f in ACTION_FIELDS if f != action_field and f in body]
            if named != expected or others:
                # the body stays out of the log: say what was expected, not what came
                log.warning("outrigger call refused route=%s reason=the body does not name this action", route)
                return _error(401, "unauthorized", f'the body must name this action: "{action_field}": "{expected}"'
                                                   f' and no other {"/".join(ACTION_FIELDS)}')
            return view(request, body, *args, **kwargs)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return decorate


def _attempt(request, body):
    value = body.get("attempt", request.headers.get(ATTEMPT_HEADER, 1))
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _max_attempts(body):
    """The last attempt the worker allows (the lower of the envelope's max_attempts and the queue's
    maxReceiveCount), or None from a worker that does not say: a failed try is then recorded as failed for good."""
    value = body.get("max_attempts")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


def _meta(body):
    meta = body.get("meta") or {}
    return {str(k): str(v) for k, v in meta.items()} if isinstance(meta, dict) else {}


@signed_endpoint("task")
def task(request, body, name):
    """body: {"task": name, "id": job id, "payload": {"task", "args": [...], "kwargs": {...}}, "attempt",
    "max_attempts", "meta"}. A payload with "backend" is a Tasks-framework task (name = its module path)."""
    payload = body.get("payload", {})
    framework = isinstance(payload, dict) and "backend" in payload
    fn = None if framework else registry.get_task(name)
    if fn is None and not framework:
        return _error(404, "unknown_task", f"no @outrigger_task named {name!r}")
    job_id = body.get("id")
    if not isinstance(job_id, str) or not job_id or len(job_id) > MAX_ID_LENGTH:
        return _error(400, "bad_request", f'"id" must be a non-empty string of at most {MAX_ID_LENGTH} characters')
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        return _error(400, "bad_request", '"payload" must be an object')
    if payload.get("task", name) != name:
        return _error(400, "bad_request", f'"payload.task" is {payload.get("task")!r} but the URL names {name!r}')
    args = payload.get("args", [])
    kwargs = payload.get("kwargs", {})
    if args is None:
        args = []
    if kwargs is None:
        kwargs = {}
    if not isinstance(args, list):
        return _error(400, "bad_request", '"payload.args" must be an array')
    if not isinstance(kwargs, dict):
        return _error(400, "bad_request", '"payload.kwargs" must be an object')
    ctx = JobContext("task", name, job_id, _attempt(request, body), _meta(body), None, _max_attempts(body))
    if framework:
        from .tasks import FrameworkCall, NotAnOutriggerTask

        try:
            call = FrameworkCall(name, payload, job_id)
        except NotAnOutriggerTask as e:
            log.warning("outrigger task refused name=%s id=%s reason=%s", name, job_id, e)
            return _error(404, "unknown_task", str(e))
        return _run_once(ctx, call, framework=call)
    return _run_once(ctx, lambda: fn(*args, **kwargs), policy=getattr(fn, "policy", None))


@signed_endpoint("hook")
def hook(request, body, name):
    """body: {"hook": name, "id": dedupe key, "scheduled_time": RFC 3339, "execution_id": scheduler's id, "args": {...}}

    The dedupe key is the signed body's "id", which the schedule-hook function derives from the hook name and the
    scheduled time: EventBridge Scheduler may deliver one firing twice and does not promise the same execution id
    for both. A body without "id" (an older schedule-hook) falls back to "execution_id"."""
    fn = registry.get_hook(name)
    if fn is None:
        return _error(404, "unknown_hook", f"no @outrigger_hook named {name!r}")
    execution_id = body.get("execution_id")
    if execution_id is not None and (not isinstance(execution_id, str) or len(execution_id) > MAX_ID_LENGTH):
        return _error(400, "bad_request", f'"execution_id" must be a string of at most {MAX_ID_LENGTH} characters')
    if "id" in body:
        job_id = body["id"]
        if not isinstance(job_id, str) or not job_id or len(job_id) > MAX_ID_LENGTH:
            return _error(400, "bad_request", f'"id" must be a non-empty string of at most {MAX_ID_LENGTH} characters')
    elif execution_id:
        job_id = execution_id
    else:
        return _error(400, "bad_request", f'"id" (or, from an older schedule-hook, "execution_id") is required: '
                                          f'a non-empty string of at most {MAX_ID_LENGTH} characters')
    scheduled_time = None
    raw_time = body.get("scheduled_time")
    if raw_time is not None:
        scheduled_time = parse_datetime(raw_time) if isinstance(raw_time, str) else None
        if scheduled_time is None:
            return _error(400, "bad_request", '"scheduled_time" must be an RFC 3339 date-time')
    args = body.get("args")
    if args is None:
        args = {}
    ctx = JobContext("hook", name, job_id, _attempt(request, body), _meta(body), execution_id, _max_attempts(body))
    return _run_once(ctx, lambda: fn(scheduled_time, args))


class _Claim:
    def __init__(self, token=None, outcome=None):
        self.token = token
        self.outcome = outcome  # None = we hold the claim; else "already_done" / "in_progress"


def _claim(ctx, alias, defaults=None):
    """Claims ctx.job_id for this delivery: a committed insert of a unique row (or, for a ready, failed or stale
    run, a conditional update), so two concurrent deliveries can't both hold it."""
    from .models import OutriggerJobRun as Run

    token = uuid.uuid4().hex
    now = timezone.now()
    runs = Run.objects.using(alias)
    try:
        with transaction.atomic(using=alias):
            runs.create(job_id=ctx.job_id, kind=ctx.kind, name=ctx.name, status=Run.RUNNING, attempts=ctx.attempt,
                        claim_token=token, started_at=now, last_attempted_at=now, **(defaults or {}))
        return _Claim(token)
    except IntegrityError:
        pass
    stale_before = now - timedelta(seconds=int(conf.get("CLAIM_TIMEOUT_S")))
    taken = runs.filter(job_id=ctx.job_id).filter(
        Q(status__in=[Run.READY, Run.FAILED]) | Q(status=Run.RUNNING, last_attempted_at__lt=stale_before)
    ).update(status=Run.RUNNING, claim_token=token, started_at=Coalesce(F("started_at"), Value(now)),
             last_attempted_at=now, finished_at=None, attempts=ctx.attempt, last_error="")
    if taken:
        return _Claim(token)
    status = runs.filter(job_id=ctx.job_id).values_list("status", flat=True).first()
    if status == Run.SUCCEEDED:
        return _Claim(outcome="already_done")
    if status is None:
        # the row vanished between insert and read (someone pruned it): try once more
        return _claim(ctx, alias, defaults)
    return _Claim(outcome="in_progress")


class _LostClaim(Exception):
    """Another delivery took the claim over (ours went stale); our work is rolled back."""


class _NotJson(Exception):
    """A Tasks-framework task returned something that is not JSON; its run fails for good (a retry would too)."""


# a failed try keeps this much of its traceback (the end, where the exception is) and the run this many tries
MAX_TRACEBACK_CHARS = 16_384
MAX_ERRORS_KEPT = 10


def _record_failure(ctx, alias, token, error, final):
    """The try failed: the claim is released with its error; the run is ready for the worker's retry, or failed
    for good on the last attempt the worker allows (or PermanentError)."""
    from .models import OutriggerJobRun as Run

    cause = error.__cause__ if isinstance(error, _NotJson) and error.__cause__ is not None else error
    kind = type(cause)
    text = "".join(traceback.format_exception(kind, cause, cause.__traceback__))
    entry = {"exception_class_path": f"{kind.__module__}.{kind.__qualname__}",
             "traceback": text[-MAX_TRACEBACK_CHARS:]}
    try:
        runs = Run.objects.using(alias).filter(job_id=ctx.job_id, claim_token=token, status=Run.RUNNING)
        errors = runs.values_list("errors", flat=True).first() or []
        runs.update(status=Run.FAILED if final else Run.READY, finished_at=timezone.now() if final else None,
                    last_error=kind.__name__[:200], errors=(list(errors) + [entry])[-MAX_ERRORS_KEPT:])
    except DatabaseError as e:
        # the claim then stays "running" until CLAIM_TIMEOUT_S, after which a retry takes it over
        log.warning("outrigger could not release claim id=%s error=%s", ctx.job_id, type(e).__name__)


def _is_last_attempt(ctx, policy=None):
    """The worker's limit (the lower of the envelope's max_attempts and the queue's), and the task's own
    (max_retries + 1, for jobs published without it); with neither, every failed try is the last one known."""
    limits = [n for n in (ctx.max_attempts, policy.max_attempts if policy is not None else None) if n is not None]
    return not limits or ctx.attempt >= min(limits)


def _run_once(ctx, call, framework=None, policy=None):
    """Runs call() once per job id. framework (a tasks.FrameworkCall) also stores the return value and sends the
    Tasks framework's task_finished signal. policy (a calls.RetryPolicy: an @outrigger_task's Celery retry options)
    decides what an exception the task raised means: retried after Celery's countdown (500 + Retry-After), or a
    failure for good (422)."""
    from .models import OutriggerJobRun as Run

    alias = conf.database()
    started = time.monotonic()
    try:
        claim = _claim(ctx, alias, framework.row_defaults() if framework else None)
    except DatabaseError as e:
        # e.g. SQLite "database is locked", or the database restarting: nothing ran, try again later
        log.warning("outrigger %s claim failed name=%s id=%s error=%s", ctx.kind, ctx.name, ctx.job_id,
                    type(e).__name__)
        response = _error(503, "database_unavailable", type(e).__name__)
        response["Retry-After"] = str(int(conf.get("IN_PROGRESS_RETRY_AFTER_S")))
        return response
    if claim.outcome == "already_done":
        log.info("outrigger %s already done name=%s id=%s attempt=%s", ctx.kind, ctx.name, ctx.job_id, ctx.attempt)
        return JsonResponse({"status": "already_done", "id": ctx.job_id})
    if claim.outcome == "in_progress":
        seconds = int(conf.get("IN_PROGRESS_RETRY_AFTER_S"))
        response = JsonResponse({"status": "in_progress", "id": ctx.job_id,
                                 "message": "another delivery of this job is running"}, status=429)
        response["Retry-After"] = str(seconds)
        return response

    token = _current.set(ctx)
    try:
        # The task's own writes on `alias` and the "succeeded" mark commit together: if the process dies
        # half-way, neither is kept and the claim goes stale, so a later delivery runs the job again.
        with transaction.atomic(using=alias):
            value = call()
            done = {"status": Run.SUCCEEDED, "finished_at": timezone.now()}
            if framework is not None:
                try:
                    done["return_value"] = framework.encode_return(value)
                except (TypeError, ValueError) as e:
                    raise _NotJson(f"the return value is not JSON: {e}") from e
            marked = Run.objects.using(alias).filter(
                job_id=ctx.job_id, claim_token=claim.token, status=Run.RUNNING
            ).update(**done)
            if not marked:
                raise _LostClaim()
    except _LostClaim:
        log.warning("outrigger %s lost its claim name=%s id=%s; rolled back", ctx.kind, ctx.name, ctx.job_id)
        response = JsonResponse({"status": "in_progress", "id": ctx.job_id,
                                 "message": "another delivery took over this job"}, status=429)
        response["Retry-After"] = str(int(conf.get("IN_PROGRESS_RETRY_AFTER_S")))
        return response
    except (PermanentError, _NotJson) as e:
        _record_failure(ctx, alias, claim.token, e, final=True)
        log.warning("outrigger %s permanent failure name=%s id=%s attempt=%s", ctx.kind, ctx.name, ctx.job_id,
                    ctx.attempt)
        _finished(framework)
        return _error(422, "permanent_error", e.message if isinstance(e, PermanentError) else str(e))
    except RetryLater as e:
        _record_failure(ctx, alias, claim.token, e, final=_is_last_attempt(ctx))
        log.info("outrigger %s retry later name=%s id=%s in=%ss", ctx.kind, ctx.name, ctx.job_id, e.seconds)
        _finished(framework)
        response = _error(429, "retry_later", e.message, retry_after=e.seconds)
        response["Retry-After"] = str(e.seconds)
        return response
    except Exception as e:
        verdict, detail = policy.decide(e, ctx.attempt) if policy is not None else ("retry", None)
        final = verdict == "fail" or _is_last_attempt(ctx, policy)
        _record_failure(ctx, alias, claim.token, e, final=final)
        # the traceback goes to Django's logs and the run's row; the response carries only the class, never data
        log.exception("outrigger %s failed name=%s id=%s attempt=%s", ctx.kind, ctx.name, ctx.job_id, ctx.attempt)
        _finished(framework)
        if verdict == "fail":
            return _error(422, "permanent_error", f"{detail} (see the Django logs)")
        response = _error(500, "task_failed", f"{type(e).__name__} (see the Django logs)")
        if detail is not None:
            # Celery's countdown for this retry; the worker makes it the message's visibility timeout
            response["Retry-After"] = str(detail)
        return response
    finally:
        _current.reset(token)
    _finished(framework)
    elapsed_ms = int((time.monotonic() - started) * 1000)
    log.info("outrigger %s done name=%s id=%s attempt=%s ms=%s", ctx.kind, ctx.name, ctx.job_id, ctx.attempt,
             elapsed_ms)
    answer = {"status": "done", "id": ctx.job_id, "duration_ms": elapsed_ms}
    if ctx.kind == "hook":
        # what the hook returned (the health ping's database state, how many rows a prune deleted), when it is JSON:
        # the schedule-hook function passes it on in its own result
        try:
            answer["result"] = json.loads(json.dumps(value, allow_nan=False))
        except (TypeError, ValueError):
            log.info("outrigger hook %s returned a value that is not JSON; not included in the answer", ctx.name)
    return JsonResponse(answer)


def _finished(framework):
    if framework is None:
        return
    try:
        framework.finished()
    except Exception:
        # a receiver's error must not turn a recorded outcome into another one
        log.exception("outrigger task_finished receiver failed id=%s", framework.job_id)


@signed_endpoint("action", "maintenance")
def maintenance_switch(request, body):
    """body: {"action": "maintenance", "enabled": true|false, "reason": "...", "issued_at": RFC 3339 (optional)}"""
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        return _error(400, "bad_request", '"enabled" must be true or false')
    reason = body.get("reason") or ""
    if not isinstance(reason, str):
        return _error(400, "bad_request", '"reason" must be a string')
    # the call's place in the order of switches: its signed issued_at (the cutover passes the state's EnteredTime),
    # else its signed timestamp (already verified to be within the window)
    signed_at = datetime.fromtimestamp(int(request.headers[TIMESTAMP_HEADER].strip()), dt_timezone.utc)
    issued_at = signed_at
    if "issued_at" in body:
        try:
            issued_at = parse_datetime(body["issued_at"]) if isinstance(body["issued_at"], str) else None
        except ValueError:  # well formed but not a date, e.g. month 13
            issued_at = None
        if issued_at is None or timezone.is_naive(issued_at):
            return _error(400, "bad_request", '"issued_at" must be an RFC 3339 date-time with a UTC offset')
        tolerance_s = int(conf.get("TIMESTAMP_TOLERANCE_S"))
        if issued_at > signed_at + timedelta(seconds=tolerance_s):
            # a value far ahead would refuse every later call until then
            return _error(400, "bad_request", f'"issued_at" is more than {tolerance_s} s after the signed '
                                              f"timestamp {signed_at.isoformat()}")
    try:
        state = maintenance.set_state(enabled, reason, issued_at)
    except maintenance.StaleCall as e:
        log.warning("outrigger call refused route=maintenance reason=issued before the last change")
        return _error(401, "unauthorized", str(e))
    except DatabaseError as e:
        return _error(503, "database_unavailable", type(e).__name__)
    log.warning("outrigger maintenance %s", "ON" if state.enabled else "OFF")
    return JsonResponse({"enabled": state.enabled, "reason": state.reason,
                         "changed_at": state.changed_at.isoformat()})


@signed_endpoint("action", "verify-writes")
def verify_writes(request, body):
    """body: {"action": "verify-writes"}, optionally with "database": alias. Writes, reads back and deletes a probe
    row."""
    from .models import OutriggerWriteProbe

    alias = body.get("database") or conf.database()
    if not isinstance(alias, str) or alias not in connections.databases:
        return _error(400, "bad_request", f"unknown database alias {alias!r}")
    started = time.monotonic()
    probe_token = uuid.uuid4().hex
    try:
        probes = OutriggerWriteProbe.objects.using(alias)
        probes.create(token=probe_token, created_at=timezone.now())
        found = probes.filter(token=probe_token).exists()
        deleted, _ = probes.filter(token=probe_token).delete()
    except DatabaseError as e:
        log.warning("outrigger verify-writes failed database=%s error=%s", alias, type(e).__name__)
        return JsonResponse({"ok": False, "database": alias, "error": type(e).__name__,
                             "message": str(e)[:200]}, status=503)
    latency_ms = round((time.monotonic() - started) * 1000, 1)
    if not (found and deleted):
        return JsonResponse({"ok": False, "database": alias, "error": "ProbeMissing",
                             "message": "the probe row was not read back"}, status=503)
    return JsonResponse({"ok": True, "database": alias, "vendor": connections[alias].vendor,
                         "latency_ms": latency_ms})
