"""The console's AWS calls. Each one either returns what AWS answered or raises ConsoleError with a sentence an
operator can act on (a missing queue, a function error, no credentials, an endpoint that does not answer): the pages
show it instead of a 500."""
import json

from .. import conf as outrigger_conf
from ..publisher import aws_client
from . import conf


class ConsoleError(Exception):
    pass


def sqs():
    return aws_client("sqs", outrigger_conf.get("ENDPOINT_URL"))


def client(service):
    """scheduler, stepfunctions or cloudwatch, at OUTRIGGER["CONSOLE"]["ENDPOINT_URL"] (None: AWS)."""
    return aws_client(service, conf.get("ENDPOINT_URL"))


def lambda_client():
    """The Lambda client for invoking the ops functions: it waits as long as the redrive function may run (its Timeout
    is 900 s; it stops 20 s before) and never retries, since a retried Invoke would start a second redrive."""
    return aws_client("lambda", conf.get("ENDPOINT_URL"), _invoke_config())


_INVOKE_CONFIG = []


def _invoke_config():
    if not _INVOKE_CONFIG:
        from botocore.config import Config

        _INVOKE_CONFIG.append(Config(read_timeout=910, connect_timeout=10, retries={"total_max_attempts": 1}))
    return _INVOKE_CONFIG[0]


def call(what, fn, *args, **kwargs):
    """fn(*args, **kwargs), with botocore's errors turned into ConsoleError naming what was being done."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return fn(*args, **kwargs)
    except ClientError as e:
        error = e.response.get("Error", {})
        raise ConsoleError(f"{what}: {error.get('Code', 'error')}: {error.get('Message', str(e))}") from e
    except BotoCoreError as e:
        raise ConsoleError(f"{what}: {e}") from e


def invoke(function_setting, payload):
    """Invokes the function OUTRIGGER["CONSOLE"][function_setting] names (RequestResponse) and returns its result; a
    function error (Lambda's FunctionError) raises ConsoleError with the function's errorMessage."""
    name = conf.get(function_setting)
    if not name:
        raise ConsoleError(f'settings OUTRIGGER["CONSOLE"]["{function_setting}"] is not set: name the stack\'s function')
    response = call(f"invoking {name}", lambda_client().invoke, FunctionName=name,
                    InvocationType="RequestResponse", Payload=json.dumps(payload).encode())
    body = response["Payload"].read()
    try:
        result = json.loads(body) if body else None
    except ValueError:
        raise ConsoleError(f"{name} returned something that is not JSON: {body[:200]!r}")
    if response.get("FunctionError"):
        message = result.get("errorMessage") if isinstance(result, dict) else result
        kind = result.get("errorType", "") if isinstance(result, dict) else ""
        raise ConsoleError(f"{name} failed: {message}" + (f" ({kind})" if kind else ""))
    return result


def queue_url(queue):
    """A queue URL from a name or URL (GetQueueUrl for a name)."""
    if queue.startswith(("http://", "https://")):
        return queue
    return call(f"finding queue {queue}", sqs().get_queue_url, QueueName=queue)["QueueUrl"]
