"""A real `./outrigger local up` for the console tests: the repository's template.yaml on free ports, with its real
redrive and schedule group toggle functions behind the Lambda Invoke API. Needs a JDK 21+ (the launcher finds one)
and the built runtime; without them the tests that use it are skipped, saying why.

In the Debian sid root (Django 5.2 and 6.1) there is no JDK, so run-tests.sh starts the runtime on the host with
`python3 tests/console_runtime.py serve`, which prints OUTRIGGER_TEST_LOCAL_UP=<sqs endpoint> <emulator endpoint>,
and the tests reach that one over 127.0.0.1 (the root shares the host's network)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LAUNCHER = ROOT / "outrigger"


def _free_pair():
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise OSError("no two consecutive free ports")


EXTERNAL = "OUTRIGGER_TEST_LOCAL_UP"


def why_not():
    """Why a local runtime cannot start here, or None."""
    if os.environ.get(EXTERNAL):
        return None
    if not LAUNCHER.exists():
        return f"{LAUNCHER} is missing"
    if not any(Path(p).glob("bin/java") for p in Path("/usr/lib/jvm").glob("*")) and not shutil.which("java") \
            and not os.environ.get("JAVA_HOME"):
        return "no JDK here (under a Debian sid root the console's runtime tests run on the host's Django)"
    if not (ROOT / "local/cli/target/classpath.txt").exists():
        return "the CLI is not built (mvn -pl local/cli -am install -DskipTests)"
    return None


class LocalRuntime:
    def __init__(self):
        external = os.environ.get(EXTERNAL)
        self.process = None
        if external:
            self.sqs_endpoint, self.emulator_endpoint = external.split()
            self.log = None
            return
        self.port = _free_pair()
        self.sqs_endpoint = f"http://127.0.0.1:{self.port}"
        self.emulator_endpoint = f"http://127.0.0.1:{self.port + 1}"
        self.dir = Path(tempfile.mkdtemp(prefix="outrigger-console-"))
        self.log = self.dir / "local-up.log"
        # No alarm evaluation: the DLQ alarm's notification reads the DLQ to summarise it, and a message it holds is one
        # a test's inspect cannot see (as on AWS, where the page then says how many were held: see
        # test_messages_another_reader_holds_are_named_on_the_page). The tests need counts that do not depend on when
        # the alarm ticks.
        env = dict(os.environ, OUTRIGGER_SIGNING_SECRET="console-test", OUTRIGGER_ALARM_INTERVAL_S="86400")
        # No --data-dir: with the durable store, messages a scan had released were now and then invisible to the next
        # scan for a while (seen with boto3 1.40's JSON protocol); without it, queues live in memory and the sinks
        # go to .outrigger/ beside the template (git-ignored).
        # No schedule fires by the clock while the tests run (they pause and resume, and never need a fire).
        self.process = subprocess.Popen(
            [str(LAUNCHER), "local", "up", "--template", str(ROOT / "template.yaml"), "--port", str(self.port),
             "--param", "SchedulesEnabled=false",
             # nothing listens there: a redriven job is retried (connection refused), never sent to someone's server
             "--param", "DjangoBaseUrl=http://127.0.0.1:9/internal/outrigger/"],
            cwd=self.dir, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while True:
            try:
                # the Scheduler answers once boot is over (queues created, functions loaded, extensions started)
                # (the emulator routes by the signing name in the credential scope)
                urllib.request.urlopen(urllib.request.Request(self.emulator_endpoint + "/schedules", headers={
                    "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/scheduler/aws4_request"}),
                    timeout=2).read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.log.read_text()[-3000:]
                    self.stop()
                    raise RuntimeError(f"local up did not start:\n{log}")
                time.sleep(0.3)

    def queue_url(self, name):
        return f"{self.sqs_endpoint}/000000000000/{name}"

    def stop(self):
        if self.process is None:
            return  # started by whoever set OUTRIGGER_TEST_LOCAL_UP
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    # `python3 tests/console_runtime.py serve`: start one, print where it is, run until SIGTERM or SIGINT
    import signal
    import sys

    if sys.argv[1:] != ["serve"]:
        sys.exit("usage: console_runtime.py serve")
    problem = why_not()
    if problem:
        sys.exit(f"console_runtime.py: {problem}")
    runtime = LocalRuntime()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(f"{EXTERNAL}={runtime.sqs_endpoint} {runtime.emulator_endpoint}", flush=True)
        signal.pause()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        runtime.stop()
