"""The job a task or hook is running for, readable from inside it via current_job()."""
import contextvars
from collections import namedtuple

# job_id is the dedupe key (a task's envelope id; a hook's id derived from hook name + scheduled time);
# execution_id is the EventBridge Scheduler execution id of a hook call (None for tasks), for logs only;
# max_attempts is the last attempt the worker allows (None when the worker does not say).
JobContext = namedtuple("JobContext", "kind name job_id attempt meta execution_id max_attempts",
                        defaults=(None, None))

_current = contextvars.ContextVar("outrigger_current_job", default=None)


def current_job():
    """The JobContext of the running task/hook, or None outside one."""
    return _current.get()
