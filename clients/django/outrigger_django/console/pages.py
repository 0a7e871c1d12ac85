"""What each console page shows, read from AWS through aws.py. A failing read becomes an "error" entry of the page's
data (one queue's, one group's), so the rest of the page still shows."""
import json
from datetime import datetime, timedelta, timezone

from . import aws, conf, expressions
from .aws import ConsoleError


def pretty(body):
    """A message body for people: indented when it is JSON, as it is otherwise."""
    if body is None:
        return None
    try:
        return json.dumps(json.loads(body), indent=2, sort_keys=True)
    except ValueError:
        return body


# ------------------------------------------------------------------------------------------------ dead letters

def inspect(queue):
    """The redrive function's inspect of one DLQ: what `outrigger dlq inspect` prints, as JSON. The function reads
    without consuming: each message is hidden while the scan runs and made visible again at its end."""
    return aws.invoke("REDRIVE_FUNCTION", {"action": "inspect", "queue": queue, "limit": conf.get("INSPECT_LIMIT")})


def dead_letter_summaries():
    out = []
    for queue in conf.dead_letter_queues():
        try:
            summary = inspect(queue)
        except ConsoleError as e:
            out.append({"queue": queue, "error": str(e)})
            continue
        for group in summary.get("groups") or []:
            group["selection"] = json.dumps({"type": group.get("jobType"), "error": group.get("error")}, sort_keys=True)
            group["redrives"] = ", ".join(f"{n}× {count}" for n, count in sorted(
                (group.get("redriveCounts") or {}).items(), key=lambda kv: int(kv[0])) if int(n) > 0) or "none"
        out.append({"queue": queue, "summary": summary})
    return out


def dead_letter(queue, job_id):
    return aws.invoke("REDRIVE_FUNCTION", {"action": "show", "queue": queue, "jobId": job_id,
                                           "limit": conf.get("INSPECT_LIMIT")})


def redrive_selections(post):
    """The redrive requests a form asks for, one per selected group (a group is a job type and an error: two groups
    in one filter would also match their cross products), one for selected job ids, or one for the typed filter.
    An empty list means "everything in the DLQ", which the view confirms first."""
    window = {}
    for field, key in (("older_than", "olderThan"), ("newer_than", "newerThan")):
        value = post.get(field, "").strip()
        if value:
            window[key] = value
    selections = []
    for raw in post.getlist("group"):
        try:
            group = json.loads(raw)
            selections.append({"type": [str(group["type"])], "error": [str(group["error"])], **window})
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"not a dead-letter group: {raw[:100]!r}")
    job_ids = [j.strip() for j in post.getlist("job_id") if j.strip()]
    if job_ids:
        selections.append({"jobId": job_ids, **window})
    if not selections:
        typed = {key: [v.strip() for v in post.get(field, "").split(",") if v.strip()]
                 for field, key in (("type", "type"), ("error", "error"))}
        typed = {k: v for k, v in typed.items() if v}
        if typed or window:
            selections.append({**typed, **window})
    return selections


def invoke_redrive(payload):
    return aws.invoke("REDRIVE_FUNCTION", payload)


# ------------------------------------------------------------------------------------------------ schedules

def invoke_toggle(payload):
    return aws.invoke("SCHEDULE_TOGGLE_FUNCTION", payload)


def schedule_groups(now=None):
    scheduler = None
    out = []
    for group in conf.get("SCHEDULE_GROUPS"):
        entry = {"group": group, "schedules": []}
        out.append(entry)
        try:
            scheduler = scheduler or aws.client("scheduler")
            names = []
            kwargs = {"GroupName": group}
            while True:
                page = aws.call(f"listing the schedules of {group}", scheduler.list_schedules, **kwargs)
                names += [s["Name"] for s in page.get("Schedules", [])]
                if not page.get("NextToken"):
                    break
                kwargs["NextToken"] = page["NextToken"]
            for name in sorted(names):
                s = aws.call(f"reading schedule {group}/{name}", scheduler.get_schedule, GroupName=group, Name=name)
                entry["schedules"].append(_schedule_row(s, now))
        except ConsoleError as e:
            entry["error"] = str(e)
        entry["paused"] = bool(entry["schedules"]) and all(s["state"] == "DISABLED" for s in entry["schedules"])
    return out


def _schedule_row(s, now):
    expression = s.get("ScheduleExpression", "")
    zone = s.get("ScheduleExpressionTimezone") or "UTC"
    row = {"name": s["Name"], "expression": expression, "timezone": zone, "state": s.get("State", "ENABLED"),
           "target": (s.get("Target") or {}).get("Arn", ""), "next": [], "next_note": ""}
    if row["state"] == "DISABLED":
        row["next_note"] = "paused"
        return row
    try:
        row["next"] = expressions.next_fires(expression, zone, after=now, count=3,
                                             start=s.get("StartDate"), end=s.get("EndDate"),
                                             created=s.get("CreationDate"))
        if not row["next"]:
            row["next_note"] = "no start time known" if expression.startswith("rate(") else "none"
    except (expressions.Unsupported, ValueError, KeyError) as e:
        row["next_note"] = f"not computed: {e}"
    return row


# ------------------------------------------------------------------------------------------------ queues

def queue_depths():
    rows = []
    names = [(name, url) for name, url in conf.job_queues().items()] + [(q, q) for q in conf.dead_letter_queues()]
    for label, ref in names:
        row = {"label": label}
        rows.append(row)
        try:
            url = aws.queue_url(ref)
            row["url"] = url
            attrs = aws.call(f"reading {label}", aws.sqs().get_queue_attributes, QueueUrl=url,
                             AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                             "ApproximateNumberOfMessagesDelayed"])["Attributes"]
            row.update(visible=int(attrs.get("ApproximateNumberOfMessages", 0)),
                       in_flight=int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0)),
                       delayed=int(attrs.get("ApproximateNumberOfMessagesDelayed", 0)))
        except ConsoleError as e:
            row["error"] = str(e)
            continue
        row["oldest_age"], row["oldest_note"] = _oldest_age(url.rsplit("/", 1)[-1])
    return rows


def _oldest_age(queue_name):
    """SQS's ApproximateAgeOfOldestMessage, which SQS publishes only as a CloudWatch metric (the last 5 minutes'
    maximum), as (seconds, None) or (None, why not)."""
    now = datetime.now(timezone.utc)
    try:
        r = aws.call("reading ApproximateAgeOfOldestMessage", aws.client("cloudwatch").get_metric_statistics,
                     Namespace="AWS/SQS", MetricName="ApproximateAgeOfOldestMessage",
                     Dimensions=[{"Name": "QueueName", "Value": queue_name}], StartTime=now - timedelta(minutes=5),
                     EndTime=now, Period=60, Statistics=["Maximum"])
    except ConsoleError as e:
        return None, str(e)
    points = sorted(r.get("Datapoints", []), key=lambda p: p["Timestamp"])
    return (int(points[-1]["Maximum"]), None) if points else (None, "no datapoint in the last 5 minutes")


# ------------------------------------------------------------------------------------------------ state machines

def state_machines():
    out = []
    for label, arn in conf.get("STATE_MACHINES").items():
        entry = {"label": label, "arn": arn, "executions": []}
        out.append(entry)
        try:
            sfn = aws.client("stepfunctions")
            listed = aws.call(f"listing the executions of {label}", sfn.list_executions, stateMachineArn=arn,
                              maxResults=5)
            for e in listed.get("executions", []):
                row = {"name": e["name"], "status": e["status"], "started": e.get("startDate"),
                       "stopped": e.get("stopDate"), "failed_state": None, "error": None, "cause": None}
                if e["status"] in ("FAILED", "TIMED_OUT", "ABORTED"):
                    row.update(_failure(sfn, e["executionArn"]))
                entry["executions"].append(row)
        except ConsoleError as e:
            entry["error"] = str(e)
    return out


def _failure(sfn, execution_arn):
    """The state an execution failed in, with its error and cause, from the end of its history."""
    history = aws.call("reading the execution history", sfn.get_execution_history, executionArn=execution_arn,
                       reverseOrder=True, maxResults=100)["events"]
    out = {"failed_state": None, "error": None, "cause": None}
    for event in history:
        for key in ("executionFailedEventDetails", "executionTimedOutEventDetails", "executionAbortedEventDetails"):
            if key in event and out["error"] is None:
                out["error"] = event[key].get("error")
                out["cause"] = event[key].get("cause")
        if event["type"].endswith("StateEntered"):
            out["failed_state"] = event["stateEnteredEventDetails"]["name"]
            break
    return out
