"""Builds job envelopes and validates them against events/schema/job-envelope.v1.json.

The package ships a byte-identical copy of that file (outrigger_django/schema/); a test fails if the two drift.
Validation uses the `jsonschema` library when it is installed, and otherwise `HandValidator`, a small
interpreter of exactly the JSON Schema keywords the file uses. HandValidator refuses a schema that uses a
keyword it does not know, so a schema change can't be silently ignored; a test runs both over one table of
envelopes and asserts they agree.

The same file's $defs hold the grammars of job ids, job types, task names and hook names and the SQS size
range; `grammar()` and `message_bytes_range()` read them, so the registry and publish() restate nothing the Java
worker does not read from the very same file.
"""
import json
import re
from collections import namedtuple
from importlib import resources

SCHEMA_RESOURCE = "job-envelope.v1.json"

Violation = namedtuple("Violation", "field message")


def load_schema():
    text = resources.files("outrigger_django").joinpath("schema").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    return json.loads(text)


_DEFS_REF = "#/$defs/"


def _definition(schema, ref, where):
    if not isinstance(ref, str) or not ref.startswith(_DEFS_REF):
        raise SchemaNotSupported(f"{where}: $ref {ref!r} is not a {_DEFS_REF}... reference")
    name = ref[len(_DEFS_REF):]
    definition = schema.get("$defs", {}).get(name)
    if definition is None:
        raise SchemaNotSupported(f"{where}: $ref {ref!r} names no definition")
    return definition


def ecma_pattern(pattern):
    """Compiles a schema pattern with its ECMA-262 meaning (JSON Schema's): '$' is the end of the string, where
    Python's '$' also matches before a final newline, and \\d is 0-9 only."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "$" and not in_class:
            c = r"\Z"
        out.append(c)
        i += 1
    return re.compile("".join(out), re.ASCII)


class Grammar(namedtuple("Grammar", "name min_length max_length pattern")):
    """A name grammar of the schema's $defs: length bounds in characters (code points, as JSON Schema counts)
    and a pattern source, matched with ECMA-262 meaning."""

    def accepts(self, value):
        if not isinstance(value, str) or not self.min_length <= len(value) <= self.max_length:
            return False
        return self.pattern is None or _compiled(self.pattern).search(value) is not None

    def describe(self):
        lengths = (str(self.min_length) if self.min_length == self.max_length
                   else f"{self.min_length} to {self.max_length}")
        return f"{lengths} characters" + (f" matching {self.pattern}" if self.pattern else "")


_patterns = {}


def _compiled(pattern):
    compiled = _patterns.get(pattern)
    if compiled is None:
        compiled = _patterns[pattern] = ecma_pattern(pattern)
    return compiled


def _string_rules(schema, name, sub, where):
    """The rules of a string schema; a $ref is resolved and narrowed by the keywords beside it."""
    base = None
    if "$ref" in sub:
        base = _string_rules(schema, name, _definition(schema, sub["$ref"], where), sub["$ref"])
        if "pattern" in sub:
            raise SchemaNotSupported(f"{where}: a second pattern beside a $ref is not supported")
    elif sub.get("type") != "string":
        raise SchemaNotSupported(f"{where}: not a string schema")
    low = max(base.min_length if base else 0, sub.get("minLength", 0))
    high = min(base.max_length if base else float("inf"), sub.get("maxLength", float("inf")))
    return Grammar(name, low, high, sub.get("pattern", base.pattern if base else None))


_grammars = {}


def grammar(name):
    """The grammar $defs/<name> of the packaged schema: "jobId", "jobType", "taskName" or "hookName"."""
    found = _grammars.get(name)
    if found is None:
        schema = _packaged_schema()
        found = _grammars[name] = _string_rules(schema, name, _definition(schema, _DEFS_REF + name, name),
                                                _DEFS_REF + name)
    return found


def message_bytes_range():
    """(minimum, maximum) of a queue's MaximumMessageSize, from $defs/messageBytes."""
    definition = _definition(_packaged_schema(), _DEFS_REF + "messageBytes", "messageBytes")
    return definition["minimum"], definition["maximum"]


_schema = None


def _packaged_schema():
    global _schema
    if _schema is None:
        _schema = load_schema()
    return _schema


class SchemaNotSupported(Exception):
    pass


def _is_integer(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


_TYPE_CHECKS = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}

_ANNOTATIONS = {"$schema", "$id", "title", "description"}
_KNOWN = _ANNOTATIONS | {
    "type", "required", "additionalProperties", "properties", "const", "minLength", "maxLength", "pattern",
    "minimum", "maximum", "maxProperties", "$ref", "$defs",
}


def _json_equal(a, b):
    # JSON Schema equality: true is not 1, 1.0 is 1.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


class HandValidator:
    """Validates with the subset of JSON Schema that job-envelope.v1.json uses."""

    def __init__(self, schema=None):
        self.schema = schema if schema is not None else load_schema()
        self._check_supported(self.schema, "#")

    def _check_supported(self, schema, where):
        if isinstance(schema, bool):
            return
        unknown = set(schema) - _KNOWN
        if unknown:
            raise SchemaNotSupported(f"{where}: keyword(s) {sorted(unknown)} not supported by HandValidator")
        types = schema.get("type")
        for t in ([types] if isinstance(types, str) else types or []):
            if t not in _TYPE_CHECKS:
                raise SchemaNotSupported(f"{where}: type {t!r} not supported")
        if "$ref" in schema:
            _definition(self.schema, schema["$ref"], where)
        for name, sub in schema.get("$defs", {}).items():
            self._check_supported(sub, f"{where}/$defs/{name}")
        for name, sub in schema.get("properties", {}).items():
            self._check_supported(sub, f"{where}/properties/{name}")
        if isinstance(schema.get("additionalProperties"), dict):
            self._check_supported(schema["additionalProperties"], f"{where}/additionalProperties")

    def validate(self, instance):
        errors = []
        self._validate(self.schema, instance, "", errors)
        return errors

    def _validate(self, schema, value, path, errors):
        field = path or "$"
        if schema is False:
            errors.append(Violation(field, "is not allowed"))
            return
        if schema is True:
            return
        if "$ref" in schema:
            # 2020-12: a $ref applies beside its sibling keywords; both must hold
            self._validate(_definition(self.schema, schema["$ref"], field), value, path, errors)
        if "type" in schema:
            types = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
            if not any(_TYPE_CHECKS[t](value) for t in types):
                errors.append(Violation(field, f"must be of type {'/'.join(types)}, got {type(value).__name__}"))
                return
        if "const" in schema and not _json_equal(value, schema["const"]):
            errors.append(Violation(field, f"must be {json.dumps(schema['const'])}"))
        if isinstance(value, str):
            if "minLength" in schema and len(value) < schema["minLength"]:
                errors.append(Violation(field, f"must be at least {schema['minLength']} characters"))
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                errors.append(Violation(field, f"must be at most {schema['maxLength']} characters"))
            if "pattern" in schema and not re.search(schema["pattern"], value):
                errors.append(Violation(field, f"must match {schema['pattern']}"))
        if _TYPE_CHECKS["number"](value):
            if "minimum" in schema and value < schema["minimum"]:
                errors.append(Violation(field, f"must be >= {schema['minimum']}"))
            if "maximum" in schema and value > schema["maximum"]:
                errors.append(Violation(field, f"must be <= {schema['maximum']}"))
        if isinstance(value, dict):
            if "maxProperties" in schema and len(value) > schema["maxProperties"]:
                errors.append(Violation(field, f"must have at most {schema['maxProperties']} properties"))
            for name in schema.get("required", []):
                if name not in value:
                    errors.append(Violation(_join(path, name), "is required"))
            properties = schema.get("properties", {})
            additional = schema.get("additionalProperties", True)
            for name, item in value.items():
                if name in properties:
                    self._validate(properties[name], item, _join(path, name), errors)
                elif additional is False:
                    errors.append(Violation(_join(path, name), "is not an allowed field"))
                else:
                    self._validate(additional, item, _join(path, name), errors)


def _join(path, name):
    return f"{path}.{name}" if path else str(name)


class JsonSchemaValidator:
    """Validates with the `jsonschema` library (Draft 2020-12)."""

    def __init__(self, schema=None):
        import jsonschema

        self.schema = schema if schema is not None else load_schema()
        cls = jsonschema.validators.validator_for(self.schema)
        cls.check_schema(self.schema)
        self._validator = cls(self.schema)

    def validate(self, instance):
        out = []
        for error in sorted(self._validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            path = ".".join(str(p) for p in error.absolute_path)
            if error.validator == "required" and isinstance(error.instance, dict):
                missing = [n for n in error.validator_value if n not in error.instance]
                out.extend(Violation(_join(path, n), "is required") for n in missing)
            elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
                allowed = set(error.schema.get("properties", {}))
                out.extend(Violation(_join(path, n), "is not an allowed field")
                           for n in error.instance if n not in allowed)
            else:
                out.append(Violation(path or "$", error.message))
        return out


_default = None


def default_validator():
    global _default
    if _default is None:
        try:
            _default = JsonSchemaValidator()
        except ImportError:
            _default = HandValidator()
    return _default


def validate_envelope(envelope):
    """Returns the list of Violation(field, message); empty means valid."""
    return default_validator().validate(envelope)
