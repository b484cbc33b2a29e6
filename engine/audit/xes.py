"""Write traces as XES (IEEE 1849-2016), streamed with lxml so a large log never sits in memory."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from lxml import etree

NS = "http://www.xes-standard.org/"
EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
)
EPOCH = "1970-01-01T00:00:00.000+00:00"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def write_xes(path: Path, traces: Iterable, exported_at: datetime) -> tuple[int, int]:
    """Write the log; returns (traces, events)."""
    trace_count = event_count = 0
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        log_attrs = {"xes.version": "1849-2016", "xes.features": "nested-attributes"}
        with xf.element(_tag("log"), log_attrs, nsmap={None: NS}):
            xf.write("\n")
            for element in _header(exported_at):
                xf.write(element, pretty_print=True)
            for trace in traces:
                trace_count += 1
                event_count += len(trace.events)
                xf.write(_trace(trace), pretty_print=True)
    return trace_count, event_count


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def _element(tag: str, parent=None, /, **attrs):
    """An element in the XES namespace. A top-level one (a trace) declares the namespace again: the
    streaming writer cannot see that the enclosing log already does (about 40 bytes per trace)."""
    attrs = {k: _NOT_XML.sub("\ufffd", v) for k, v in attrs.items()}
    if parent is None:
        return etree.Element(_tag(tag), attrs, nsmap={None: NS})
    return etree.SubElement(parent, _tag(tag), attrs)


def _header(exported_at: datetime) -> list:
    elements = [_element("extension", name=n, prefix=p, uri=u) for n, p, u in EXTENSIONS]
    for scope, defaults in (("trace", [("string", "concept:name", "UNKNOWN")]),
                            ("event", [("string", "concept:name", "UNKNOWN"),
                                       ("string", "lifecycle:transition", "complete"),
                                       ("date", "time:timestamp", EPOCH)])):
        declared = _element("global", scope=scope)
        for kind, key, value in defaults:
            _element(kind, declared, key=key, value=value)
        elements.append(declared)
    elements.append(_element("classifier", name="Activity", keys="concept:name"))
    elements.append(_element("string", key="concept:name", value="Traject case histories"))
    elements.append(_element("date", key="exported_at", value=_time(exported_at)))
    return elements


def _trace(trace):
    element = _element("trace")
    _element("string", element, key="concept:name", value=trace.name)
    _element("string", element, key="gemeente", value=trace.gemeente)
    _element("string", element, key="variant", value=trace.variant)
    _element("int", element, key="definition_version", value=str(trace.version))
    for event in trace.events:
        _event(element, event)
    return element


def _event(parent, event) -> None:
    element = _element("event", parent)
    _element("string", element, key="concept:name", value=event.activity)
    _element("string", element, key="lifecycle:transition", value="complete")
    _element("date", element, key="time:timestamp", value=_time(event.at))
    if event.resource:
        _element("string", element, key="org:resource", value=event.resource)
    if event.role:
        _element("string", element, key="org:role", value=event.role)
    _element("string", element, key="event_type", value=event.type)
    _element("int", element, key="seq", value=str(event.seq))
    for key, value in (event.data or {}).items():
        _attribute(element, f"data.{key}", value)


def _attribute(parent, key: str, value) -> None:
    """A typed XES attribute: bool, int and float keep their type; anything else becomes a string."""
    if isinstance(value, bool):
        _element("boolean", parent, key=key, value="true" if value else "false")
    elif isinstance(value, int):
        _element("int", parent, key=key, value=str(value))
    elif isinstance(value, float):
        _element("float", parent, key=key, value=repr(value))
    elif value is not None:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        _element("string", parent, key=key, value=text)


def _time(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds")
