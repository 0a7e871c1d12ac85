"""The signed-call contract of DESIGN.md ("Signed calls to Django").

X-Outrigger-Signature: v2=<hex HMAC-SHA256 of "<timestamp>.<METHOD>.<route>.<body>" with the shared secret>, where
timestamp is the X-Outrigger-Timestamp header (unix seconds), METHOD the upper-case HTTP method, route the endpoint's
path relative to where outrigger_django.urls is included (tasks/<name>, hooks/<name>, maintenance, verify-writes: no
leading slash, no query) and body the exact request bytes. The timestamp is signed so a captured call can't be replayed
outside the tolerance window; the method and route so it can't be replayed to another endpoint.

v1 (v1=<hex HMAC-SHA256 of "<timestamp>.<body>">) binds no endpoint. It is verified only when the caller allows it
for a migration window (OUTRIGGER["ACCEPT_V1_SIGNATURES_UNTIL"]).
"""
import hashlib
import hmac
import time
from datetime import timezone

TIMESTAMP_HEADER = "X-Outrigger-Timestamp"
SIGNATURE_HEADER = "X-Outrigger-Signature"
JOB_ID_HEADER = "X-Outrigger-Job-Id"
ATTEMPT_HEADER = "X-Outrigger-Attempt"
SCHEME = "v2="
V1_SCHEME = "v1="


def _bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _hmac(secret, message):
    if not secret:
        raise ValueError("the signing secret is empty")
    return hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def sign(secret, timestamp, method, route, body):
    """Returns "v2=<hex>" for body (bytes or str, str is UTF-8 encoded) sent with method to route at timestamp
    (unix seconds). route is relative to the Outrigger base URL: "tasks/reports.generate", "maintenance"."""
    if method != method.upper():
        raise ValueError(f"the method must be upper case, got {method!r}")
    if route.startswith("/") or "?" in route:
        raise ValueError(f"the route is relative to the Outrigger base URL, without a query: got {route!r}")
    message = f"{int(timestamp)}.{method}.{route}.".encode("utf-8") + _bytes(body)
    return SCHEME + _hmac(secret, message)


def sign_v1(secret, timestamp, body):
    """Returns "v1=<hex>": the scheme of Outrigger functions that predate v2 (accepted only in a migration window)."""
    return V1_SCHEME + _hmac(secret, str(int(timestamp)).encode("ascii") + b"." + _bytes(body))


def signed_headers(secret, body, route, job_id="", attempt=1, timestamp=None, method="POST"):
    """The four headers a caller sends to route (used by tests and the e2e harness)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {
        TIMESTAMP_HEADER: str(ts),
        SIGNATURE_HEADER: sign(secret, ts, method, route, body),
        JOB_ID_HEADER: str(job_id),
        ATTEMPT_HEADER: str(attempt),
    }


class SignatureError(Exception):
    """Why a call was refused; the message is safe to return (it never contains the secret or body)."""


def verify(secrets, timestamp_header, signature_header, body, *, method, route, now=None, tolerance_s=300,
           accept_v1_until=None):
    """Raises SignatureError unless one of secrets signed this call: v2 over method, route and body, at a timestamp
    within tolerance_s of now. A v1 signature counts only while now is before accept_v1_until (an aware datetime;
    None refuses v1). Returns the scheme that verified, "v2" or "v1"."""
    if not secrets:
        raise SignatureError("no signing secret is configured")
    if not timestamp_header:
        raise SignatureError(f"missing {TIMESTAMP_HEADER} header")
    if not signature_header:
        raise SignatureError(f"missing {SIGNATURE_HEADER} header")
    ts_text = timestamp_header.strip()
    if not ts_text.isascii() or not ts_text.isdigit() or len(ts_text) > 12:
        raise SignatureError(f"{TIMESTAMP_HEADER} must be unix seconds")
    ts = int(ts_text)
    now = int(time.time()) if now is None else int(now)
    if abs(now - ts) > tolerance_s:
        raise SignatureError(f"{TIMESTAMP_HEADER} is outside the {tolerance_s} s window")
    given = signature_header.strip()
    if given.startswith(SCHEME):
        scheme = "v2"
        expected = [sign(secret, ts, method, route, body) for secret in secrets]
    elif given.startswith(V1_SCHEME):
        scheme = "v1"
        if accept_v1_until is None:
            raise SignatureError("v1 signatures are refused: sign with v2 (method and route)")
        if now >= accept_v1_until.timestamp():
            until = accept_v1_until.astimezone(timezone.utc).isoformat()
            raise SignatureError(f"v1 signatures were accepted until {until}: sign with v2 (method and route)")
        expected = [sign_v1(secret, ts, body) for secret in secrets]
    else:
        raise SignatureError(f"unknown signature scheme: expected {SCHEME}")
    given_bytes = given.encode("ascii", "replace")
    ok = False
    for candidate in expected:
        # compare against every secret (no early exit) so timing says nothing about which one matched
        ok |= hmac.compare_digest(candidate.encode("ascii"), given_bytes)
    if not ok:
        raise SignatureError("signature does not match")
    return scheme
