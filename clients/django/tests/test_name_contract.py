"""The name contract, Django's side: every component that takes a task name, a hook name or a job id agrees with the
verdicts of the shared corpus (tests/src/test/resources/contract/names.json in the repository), which the Java side
(tests/…/NameContractIT) checks its worker and schedule hook against. What one side accepts, the other accepts."""
import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import Resolver404, resolve

from outrigger_django import InvalidEnvelope, outrigger_hook, outrigger_task, publisher, registry
from outrigger_django.envelope import grammar

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "src" / "test" / "resources" / "contract" / "names.json"

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="not running inside the Outrigger repository")

ENTRIES = json.loads(CORPUS.read_text("utf-8"))["names"] if CORPUS.exists() else []
IDS = [repr(e["name"])[:40] for e in ENTRIES]


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_tasks", {})
    monkeypatch.setattr(registry, "_hooks", {})


def _registers(decorator, name):
    try:
        decorator(name)(lambda *a: None)
        return True
    except ImproperlyConfigured:
        return False


def _routes(kind, name):
    try:
        match = resolve(f"/internal/outrigger/{kind}/{name}")
    except Resolver404:
        return False
    return match.url_name == kind[:-1] and match.kwargs == {"name": name}


def _publishes(job_type, payload, **options):
    try:
        publisher.prepare(job_type, payload, **options)
        return True
    except InvalidEnvelope:
        return False


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_taskName_registersAndPublishes_exactlyWhenTheCorpusSaysSo(entry, empty_registry):
    name = entry["name"]
    assert _registers(outrigger_task, name) == entry["task"], "@outrigger_task"
    assert _publishes("django.task", {"task": name, "args": [], "kwargs": {}}) == entry["task"], "publish_task"
    if entry["task"]:
        assert _routes("tasks", name), "the worker's tasks/<name> reaches the task view with the name intact"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_hookName_registers_exactlyWhenTheCorpusSaysSo(entry, empty_registry):
    name = entry["name"]
    assert _registers(outrigger_hook, name) == entry["hook"], "@outrigger_hook"
    if entry["hook"]:
        assert _routes("hooks", name), "the schedule hook's hooks/<name> reaches the hook view with the name intact"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_jobId_publishes_exactlyWhenTheCorpusSaysSo(entry):
    assert _publishes("webhook", {"url": "https://hooks.example.com/x"}, job_id=entry["name"]) == entry["job_id"]


def test_corpus_coversTheEdges():
    by_name = {e["name"]: e for e in ENTRIES}
    task, hook = grammar("taskName"), grammar("hookName")
    for length in (hook.max_length, hook.max_length + 1, task.max_length, task.max_length + 1):
        assert "a" * length in by_name, length
    assert any(":" in n and e["task"] for n, e in by_name.items())
    assert any(n.endswith("\n") for n in by_name)
    assert any(not n.isascii() for n in by_name)
    assert any("/" in n and e["job_id"] and not e["task"] for n, e in by_name.items())
    assert {True, False} == {e["task"] for e in ENTRIES} == {e["hook"] for e in ENTRIES} == {e["job_id"] for e in ENTRIES}
