"""engine/instructions.py: a task's instructions with the case's values filled in, as SpiffArena does."""
from __future__ import annotations

from engine.instructions import render


def test_names_are_filled_from_the_task_data():
    data = {"sessie_nr": 2, "persoon": {"naam": "Amal Haddad"}, "tolk": True}
    assert render("Sessie {{ sessie_nr }} van {{persoon.naam}}; tolk: {{ tolk }}", data) == (
        "Sessie 2 van Amal Haddad; tolk: ja")


def test_a_missing_value_is_empty_and_anything_else_stays_as_written():
    text = "{{ onbekend }}|{{ 1 + 1 }}|{% if x %}y{% endif %}|{{ naam | upper }}"
    assert render(text, {"naam": "x"}) == "|{{ 1 + 1 }}|{% if x %}y{% endif %}|{{ naam | upper }}"
    assert render(None, {}) is None and render("geen", {}) == "geen"
