"""The package's own hook (found like every app's outrigger_tasks module): template.yaml's OutriggerPruneSchedule
calls it daily."""
from .exceptions import PermanentError
from .prune import parse_age, prune
from .registry import outrigger_hook

# one call deletes at most this many rows: the hook runs inside one transaction, within the hook's HTTP timeout;
# a backlog shrinks by this much a day (or run `manage.py outrigger_prune` once)
HOOK_DEFAULT_LIMIT = 100_000


@outrigger_hook("outrigger_prune")
def outrigger_prune(scheduled_time, args):
    """args: {"older_than": "30d", "limit": 100000}; the age counts back from the scheduled time."""
    args = args if isinstance(args, dict) else {}
    try:
        age = parse_age(args.get("older_than", "30d"))
        limit = int(args.get("limit", HOOK_DEFAULT_LIMIT))
    except (TypeError, ValueError) as e:
        # the schedule's Input is wrong: retrying can't help, so straight to the scheduler's DLQ with the reason
        raise PermanentError(f"outrigger_prune: {e}")
    return prune(age, now=scheduled_time, limit=limit)
