"""Notes on a case (`notitie`): who, when and a short text, as events in the case's hash chain.

A note is never edited or deleted: a correction is a new note that names the seq of the note it
corrects. Notes are personal data like form data: export leaves them out (they are no process step)
and the privacy erasure of event payloads applies to them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .purge import ERASED_STATUS
from .store import repo
from .store.tables import Event

NOTE_EVENT = "note_added"
MAX_NOTE = 1000  # a short note; longer texts belong in the case system's documents


def add(session: Session, case_id: str, text: str, actor: str, now: datetime,
        corrects: int | None = None) -> Event:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("a note needs a text")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"a note is at most {MAX_NOTE} characters (this one has {len(text)})")
    case = repo.case_for_update(session, case_id)
    if case.status == ERASED_STATUS:
        # the erasure removed the case's notes; a new one would bring personal data back into a history
        # the audit now verifies as erased
        raise InvalidInput(f"case {case_id} is erased: its personal data is gone, so it takes no new notes")
    data: dict = {"text": text}
    if corrects is not None:
        corrected = session.scalar(select(Event).where(Event.case_id == case.id, Event.seq == corrects))
        if corrected is None or corrected.type != NOTE_EVENT:
            raise InvalidInput(f"event {corrects} of case '{case_id}' is not a note; only a note can be corrected")
        data["corrects"] = corrects
    return repo.append_event(session, case_id=case.id, type=NOTE_EVENT, at=now, actor=actor,
                             definition_id=case.definition_id, data=data)
