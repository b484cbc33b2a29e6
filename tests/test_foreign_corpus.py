"""Public BPMN nobody here wrote (tests/corpus/foreign, origins in its README): every file either gets a
validate finding naming what Traject cannot run, at file:line:element, or deploys and a driven case
completes (or waits for something a command moves on). No file passes validate and then fails."""
from __future__ import annotations

import re

import pytest
from foreign_drive import drive

from engine.bundle import collect
from engine.validation import validate_files

from conftest import TESTS

FOREIGN = TESTS / "corpus" / "foreign"
NOT_EXECUTABLE = "is not executable"
NO_LANE = "is not in any lane"
DATA_STORE = "data store '"
NO_TOPIC = "has no topic"

# file -> the finding it must get, or ("runs", start data, outcome of the driven case)
EXPECTED: dict[str, str | tuple] = {
    "miwg/A.1.0.bpmn": NOT_EXECUTABLE, "miwg/A.2.0.bpmn": NOT_EXECUTABLE, "miwg/A.2.1.bpmn": NOT_EXECUTABLE,
    "miwg/A.3.0.bpmn": NOT_EXECUTABLE, "miwg/A.4.0.bpmn": NOT_EXECUTABLE, "miwg/A.4.1.bpmn": NOT_EXECUTABLE,
    "miwg/B.1.0.bpmn": DATA_STORE, "miwg/B.2.0.bpmn": DATA_STORE, "miwg/C.1.0.bpmn": "which has no name",
    "miwg/C.1.1.bpmn": DATA_STORE, "miwg/C.2.0.bpmn": NOT_EXECUTABLE, "miwg/C.3.0.bpmn": NO_LANE,
    "miwg/C.4.0.bpmn": DATA_STORE, "miwg/C.5.0.bpmn": DATA_STORE, "miwg/C.6.0.bpmn": "timer timeDate is empty",
    "miwg/C.7.0.bpmn": NO_TOPIC, "miwg/C.8.0.bpmn": NOT_EXECUTABLE, "miwg/C.8.1.bpmn": NO_TOPIC,
    "miwg/C.9.0.bpmn": "condition: syntax error", "miwg/C.9.1.bpmn": "is evaluated as a Python expression",
    "miwg/C.9.2.bpmn": "is evaluated as a Python expression",
    "spiffworkflow/ScriptTest.bpmn": ("runs", {}, "completed"),
    "spiffworkflow/boundary_timer_on_task.bpmn": "has no outgoing sequence flow",
    "spiffworkflow/collaboration.bpmn": ("runs", {"from_name": "Anna"}, "completed"),
    "spiffworkflow/data_store.bpmn": DATA_STORE,
    "spiffworkflow/event-gateway.bpmn": ("runs", {}, "completed"),
    "spiffworkflow/event-subprocess.bpmn": NO_LANE,
    "spiffworkflow/exclusive_gateway_no_default.bpmn": NO_LANE,
    "spiffworkflow/inclusive_gateway.bpmn": NO_LANE,
    "spiffworkflow/io_spec.bpmn": ("runs", {"in_1": 2, "in_2": "x"}, "completed"),
    "spiffworkflow/multiple-start.bpmn": NO_LANE,
    "spiffworkflow/no-tasks.bpmn": ("runs", {}, "completed"),
    "spiffworkflow/non-executable-process.bpmn": NOT_EXECUTABLE,
    "spiffworkflow/parallel_multiinstance_cardinality.bpmn": NO_LANE,
    "spiffworkflow/script-start.bpmn": NO_LANE,
    "spiffworkflow/service_task.bpmn": NO_TOPIC,
    "spiffworkflow/standard_loop.bpmn": NO_LANE,
    "spiffworkflow/timer-cycle.bpmn": NO_LANE,
    "spiffworkflow/timer-date-start.bpmn": "reads the wall clock",
    "spiffworkflow/timer.bpmn": ("runs", {}, "completed"),
    "spiffworkflow/uncaught_escalation.bpmn": ("runs", {}, "completed"),
    "spiffworkflow/bpmn_invalid_cancel.bpmn": "has no outgoing sequence flow",
    "spiffworkflow/bpmn_transaction.bpmn": NO_LANE,
    "spiffworkflow/camunda_MessageBoundary.bpmn": "camunda:formField",
    "spiffworkflow/camunda_message_test.bpmn": "camunda:formField",
    "spiffworkflow/spiff_default_correlation_key.bpmn": ("runs", {"uid": 7}, "completed"),
    "spiffworkflow/spiff_service_task.bpmn": ("runs", {}, "completed"),
    "spiffworkflow/spiff_service_task_variable.bpmn": ("runs", {}, "completed"),
    "spiffworkflow/spiff_waiting_event.bpmn": ("runs", {"uid": 7}, "completed"),
}


def test_every_corpus_file_has_an_expected_outcome():
    on_disk = {str(p.relative_to(FOREIGN)) for p in FOREIGN.rglob("*.bpmn")}
    assert on_disk == set(EXPECTED)


def test_the_readme_table_lists_every_file_with_its_outcome():
    text = (FOREIGN / "README.md").read_text()
    for name, expected in EXPECTED.items():
        outcome = expected[2] if isinstance(expected, tuple) else expected
        row = next((line for line in text.splitlines() if f"`{name}`" in line), None)
        assert row is not None, name
        assert outcome in row, (name, row)


@pytest.mark.parametrize("name", sorted(k for k, v in EXPECTED.items() if isinstance(v, str)))
def test_what_traject_cannot_run_is_a_located_finding(name):
    path = FOREIGN / name
    errors = [p for p in validate_files(collect([str(path)])) if not p.is_note]
    hits = [p for p in errors if EXPECTED[name] in p.message]
    assert hits, "\n".join(map(str, errors))
    assert all(p.path == str(path) and p.line and p.element_id for p in hits), "\n".join(map(str, hits))
    assert not [p for p in errors if re.search(r" at 0x[0-9a-f]+", p.message)]  # no memory addresses


@pytest.mark.parametrize("name", sorted(k for k, v in EXPECTED.items() if isinstance(v, tuple)))
def test_what_validate_accepts_deploys_and_runs(name, sqlite_url):
    from grants import settings_for

    from engine.service import build_engine

    _, data, outcome = EXPECTED[name]
    path = FOREIGN / name
    assert [p for p in validate_files(collect([str(path)])) if not p.is_note] == []
    engine = build_engine(settings_for(sqlite_url, user="corpus"))
    engine.deploy([path])
    startable = [p.process_id for p in engine.processes() if p.startable]
    engine.db.dispose()
    assert startable
    for process_id in startable:
        assert drive(sqlite_url, process_id, data) == outcome
