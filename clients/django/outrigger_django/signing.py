"""The signed-call contract of DESIGN.md.

X-Outrigger-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" with the shared secret>, where timestamp is the
X-Outrigger-Timestamp header (unix seconds) and body the exact request bytes. The timestamp is inside the signed
text, so a captured request can't be replayed outside the tolerance window.
"""
import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Outrigger-Timestamp"
SIGNATURE_HEADER = "X-Outrigger-Signature"
JOB_ID_HEADER = "X-Outrigger-Job-Id"
ATTEMPT_HEADER = "X-Outrigger-Attempt"
SCHEME = "v1="


def _bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def sign(secret, timestamp, body):
    """Returns "v1=<hex>" for body (bytes or str, str is UTF-8 encoded) sent at timestamp (unix seconds)."""
    if not secret:
        raise ValueError("the signing secret is empty")
    message = str(int(timestamp)).encode("ascii") + b"." + _bytes(body)
    return SCHEME + hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def signed_headers(secret, body, job_id="", attempt=1, timestamp=None):
    """The four headers a caller sends (used by tests and the e2e harness)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {
        TIMESTAMP_HEADER: str(ts),
        SIGNATURE_HEADER: sign(secret, ts, body),
        JOB_ID_HEADER: str(job_id),
        ATTEMPT_HEADER: str(attempt),
    }


class SignatureError(Exception):
    """Why a call was refused; the message is safe to return (it never contains the secret or body)."""


def verify(secrets, timestamp_header, signature_header, body, now=None, tolerance_s=300):
    """Raises SignatureError unless one of secrets signed body at a timestamp within tolerance_s of now."""
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
    given = signature_header.strip().encode("ascii", "replace")
    ok = False
    for secret in secrets:
        # compare against every secret (no early exit) so timing says nothing about which one matched
        ok |= hmac.compare_digest(sign(secret, ts, body).encode("ascii"), given)
    if not ok:
        raise SignatureError("signature does not match")
