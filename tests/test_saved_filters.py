"""Saved worklist filters: per user, replaced by name, refused when malformed; a personal setting,
not case data (no event)."""
from __future__ import annotations

import pytest

from engine import InvalidInput, WorklistFilter

T0 = "2026-03-02T09:00:00+01:00"


def test_filters_are_kept_per_user_and_replaced_by_name(make_engine):
    make_engine(now=T0)  # the first user of a fresh database, who adds the others
    anna, bert = make_engine(now=T0, user="anna"), make_engine(now=T0, user="bert")
    anna.save_filter(WorklistFilter("  intake mine ", "mine", "intake", "klantmanager", " Jansen "))
    anna.save_filter(WorklistFilter("alles", "team"))
    assert [f.name for f in anna.saved_filters()] == ["alles", "intake mine"]
    assert anna.saved_filters()[1] == WorklistFilter("intake mine", "mine", "intake", "klantmanager", "Jansen")
    assert bert.saved_filters() == []
    anna.save_filter(WorklistFilter("alles", "mine", search=""))  # the same name replaces it
    assert make_engine(now=T0, user="anna").saved_filters()[0] == WorklistFilter("alles", "mine")
    assert bert.delete_filter("alles") is False  # only one's own
    assert anna.delete_filter("alles") is True
    assert [f.name for f in anna.saved_filters()] == ["intake mine"]


@pytest.mark.parametrize(("wanted", "message"), [
    (WorklistFilter("", "team"), "needs a name"),
    (WorklistFilter("x" * 61, "team"), "longer than 60"),
    (WorklistFilter("ok", "everything"), "view must be one of team, mine"),
])
def test_a_malformed_filter_is_refused_and_nothing_is_stored(make_engine, wanted, message):
    make_engine(now=T0)
    anna = make_engine(now=T0, user="anna")
    with pytest.raises(InvalidInput, match=message):
        anna.save_filter(wanted)
    assert anna.saved_filters() == []
