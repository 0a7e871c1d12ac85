"""A server process for a test module: started on a free 127.0.0.1 port, waited for until it answers, stopped at the
end whatever happened (the example project's runserver, moto_server)."""
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(command, probe_url, name, timeout=30, **popen):
    """Runs `command`, yields once `probe_url` answers (any HTTP status), and terminates it on the way out."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                urllib.request.urlopen(probe_url, timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{name} did not start on {probe_url} (exit {proc.poll()})")
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
