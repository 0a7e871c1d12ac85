"""The envelope checks agree with events/schema/job-envelope.v1.json."""
import json
import os
from pathlib import Path

import pytest

from outrigger_django import envelope
from outrigger_django.envelope import HandValidator, SchemaNotSupported

REPO_SCHEMA = Path(__file__).resolve().parents[3] / "events" / "schema" / "job-envelope.v1.json"
PACKAGED_SCHEMA = Path(envelope.__file__).parent / "schema" / "job-envelope.v1.json"

try:
    import jsonschema  # noqa: F401

    HAVE_JSONSCHEMA = True
except ImportError:
    HAVE_JSONSCHEMA = False

VALID = {"version": 1, "id": "0b6f3c9e-6d1f-4c55-9b1e-3f5c2a1d7e10", "type": "django.task",
         "payload": {"task": "reports.generate", "args": [], "kwargs": {}}, "created_at": "2025-05-20T10:00:00.123Z"}


def with_(**changes):
    env = dict(VALID)
    for key, value in changes.items():
        if value is DROP:
            env.pop(key)
        else:
            env[key] = value
    return env


DROP = object()

# (name, envelope, valid?)
TABLE = [
    ("minimal", VALID, True),
    ("full", with_(max_attempts=5, timeout_s=30, meta={"request_id": "r1", "traceparent": "00-ab-cd-01"}), True),
    ("offset time", with_(created_at="2025-05-20T12:00:00+02:00"), True),
    ("nanos lower t z", with_(created_at="2025-05-20t10:00:00.123456789z"), True),
    ("id with allowed punctuation", with_(id="orders:42/refund@v2+x=y.z_-"), True),
    ("id 128 chars", with_(id="a" * 128), True),
    ("type registered", with_(type="billing.invoice-sent"), True),
    ("integral float attempts", with_(max_attempts=3.0), True),
    ("empty meta", with_(meta={}), True),
    ("meta 32 props", with_(meta={f"k{i}": "v" for i in range(32)}), True),
    ("meta value 1024", with_(meta={"k": "x" * 1024}), True),
    ("max attempts 100", with_(max_attempts=100), True),
    ("timeout 900", with_(timeout_s=900), True),
    ("missing version", with_(version=DROP), False),
    ("missing id", with_(id=DROP), False),
    ("missing type", with_(type=DROP), False),
    ("missing payload", with_(payload=DROP), False),
    ("missing created_at", with_(created_at=DROP), False),
    ("version 2", with_(version=2), False),
    ("version string", with_(version="1"), False),
    ("version true", with_(version=True), False),
    ("id empty", with_(id=""), False),
    ("id 129 chars", with_(id="a" * 129), False),
    ("id with space", with_(id="a b"), False),
    ("id number", with_(id=7), False),
    ("type upper", with_(type="Django.task"), False),
    ("type double dot", with_(type="django..task"), False),
    ("type 65 chars", with_(type="a" * 65), False),
    ("payload list", with_(payload=[1]), False),
    ("payload null", with_(payload=None), False),
    ("payload string", with_(payload="{}"), False),
    ("created_at date only", with_(created_at="2025-05-20"), False),
    ("created_at no zone", with_(created_at="2025-05-20T10:00:00"), False),
    ("created_at epoch", with_(created_at=1747735200), False),
    ("max_attempts 0", with_(max_attempts=0), False),
    ("max_attempts 101", with_(max_attempts=101), False),
    ("max_attempts string", with_(max_attempts="3"), False),
    ("max_attempts bool", with_(max_attempts=True), False),
    ("max_attempts fraction", with_(max_attempts=2.5), False),
    ("timeout 0", with_(timeout_s=0), False),
    ("timeout 901", with_(timeout_s=901), False),
    ("meta number value", with_(meta={"user_id": 7}), False),
    ("meta 33 props", with_(meta={f"k{i}": "v" for i in range(33)}), False),
    ("meta value 1025", with_(meta={"k": "x" * 1025}), False),
    ("meta list", with_(meta=["a"]), False),
    ("extra field", with_(priority=1), False),
    ("not an object", [VALID], False),
]


def test_packagedSchema_isByteIdenticalToRepoSchema():
    if not REPO_SCHEMA.exists():
        pytest.skip("not running inside the Outrigger repository")
    assert PACKAGED_SCHEMA.read_bytes() == REPO_SCHEMA.read_bytes(), (
        f"{PACKAGED_SCHEMA} differs from {REPO_SCHEMA}: copy the repository file into the package")


@pytest.mark.parametrize("name,env,valid", TABLE, ids=[t[0] for t in TABLE])
def test_handValidator_matchesExpectation(name, env, valid):
    errors = HandValidator().validate(json.loads(json.dumps(env)))
    assert (not errors) == valid, errors


@pytest.mark.skipif(not HAVE_JSONSCHEMA, reason="python3-jsonschema not installed")
@pytest.mark.parametrize("name,env,valid", TABLE, ids=[t[0] for t in TABLE])
def test_handValidator_agreesWithJsonSchemaLibrary(name, env, valid):
    data = json.loads(json.dumps(env))
    hand = HandValidator().validate(data)
    lib = envelope.JsonSchemaValidator().validate(data)
    assert (not hand) == (not lib) == valid, (hand, lib)
    # and they blame the same fields
    assert {v.field for v in hand} == {v.field for v in lib}


def test_handValidator_coversEverySchemaKeyword():
    """Walks the schema file: every keyword used is one HandValidator implements (else it refuses to load)."""
    schema = json.loads(PACKAGED_SCHEMA.read_text())
    HandValidator(schema)  # would raise SchemaNotSupported
    required = set(schema["required"])
    assert required == {"version", "id", "type", "payload", "created_at"}
    assert schema["additionalProperties"] is False
    # each property with a limit is exercised by a reject case in TABLE
    for prop, sub in schema["properties"].items():
        limits = set(sub) - {"description"}
        assert limits, prop
        assert any(not valid and name.split()[0] in (prop, prop.split("_")[0]) for name, _, valid in TABLE), prop


def test_handValidator_refusesSchemaWithUnknownKeyword():
    schema = json.loads(PACKAGED_SCHEMA.read_text())
    schema["properties"]["id"]["format"] = "uuid"
    with pytest.raises(SchemaNotSupported, match="format"):
        HandValidator(schema)


def test_handValidator_refusesARefOutsideTheDefs():
    schema = json.loads(PACKAGED_SCHEMA.read_text())
    schema["properties"]["id"]["$ref"] = "https://example.com/ids.json"
    with pytest.raises(SchemaNotSupported, match=r"is not a #/\$defs/"):
        HandValidator(schema)


def test_grammars_readTheDefs_withEcmaMeaning():
    defs = json.loads(PACKAGED_SCHEMA.read_text())["$defs"]
    task, hook = envelope.grammar("taskName"), envelope.grammar("hookName")
    assert (task.pattern, task.max_length) == (defs["taskName"]["pattern"], defs["taskName"]["maxLength"])
    assert (hook.pattern, hook.max_length) == (task.pattern, defs["hookName"]["maxLength"])
    assert task.accepts("billing:charge") and not task.accepts("billing:charge\n")
    assert envelope.grammar("jobId").accepts("urn:job/1") and not envelope.grammar("jobId").accepts("job 1")
    assert not envelope.grammar("jobType").accepts("django.task\n")


def test_validationMessages_nameTheField():
    errors = HandValidator().validate(with_(max_attempts=0, meta={"a": 1}, id=DROP))
    fields = {v.field for v in errors}
    assert fields == {"max_attempts", "meta.a", "id"}


def test_defaultValidator_isJsonSchemaWhenInstalled():
    expected = envelope.JsonSchemaValidator if HAVE_JSONSCHEMA else HandValidator
    assert isinstance(envelope.default_validator(), expected)


def test_defaultValidator_fallsBackToHandChecksWithoutJsonschema(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "jsonschema", None)  # makes `import jsonschema` raise ImportError
    monkeypatch.setattr(envelope, "_default", None)
    assert isinstance(envelope.default_validator(), HandValidator)
    assert envelope.validate_envelope(with_(version=2))[0].field == "version"
