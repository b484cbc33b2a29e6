"""All user-facing text of the terminal app, in one place.

Dutch is the default; English follows key for key (a test checks both tables have the same keys).
Look texts up when they are shown, not at import time, so `set_language()` at startup takes effect:
`t("form.bounds", minimum=0, maximum=20)`.
"""
from __future__ import annotations

LANGUAGES = ("nl", "en")

_NL: dict[str, str] = {
    # App and navigation
    "app.title": "Traject",
    "app.subtitle": "Participatieverklaringstraject",
    "nav.worklist": "Werkvoorraad",
    "nav.task": "Taak",
    "nav.dossier": "Dossier",
    "nav.new_case": "Nieuwe zaak",
    "nav.audit": "Audit",
    "nav.dashboard": "Dashboard",
    # Actions (buttons and footer bindings)
    "action.save": "Opslaan",
    "action.cancel": "Annuleren",
    "action.complete": "Taak afronden",
    "action.start": "Zaak starten",
    "action.open": "Openen",
    "action.back": "Terug",
    "action.close": "Sluiten",
    "action.refresh": "Vernieuwen",
    "action.search": "Zoeken",
    "action.quit": "Afsluiten",
    "action.yes": "Ja",
    "action.no": "Nee",
    "action.ok": "OK",
    # Worklist, dossier, new case
    "col.task": "Taak",
    "col.case": "Zaak",
    "col.person": "Persoon",
    "col.bsn": "BSN",
    "col.gemeente": "Gemeente",
    "col.role": "Rol",
    "col.stage": "Fase",
    "col.due": "Deadline",
    "col.assignee": "Behandelaar",
    "col.status": "Status",
    "col.created": "Aangemaakt",
    "worklist.empty": "Er staan geen taken in de werkvoorraad.",
    "worklist.count": "{count} taken",
    "dossier.data": "Gegevens",
    "dossier.open_tasks": "Open taken",
    "dossier.history": "Geschiedenis",
    "dossier.timers": "Wachtende termijnen",
    "dossier.incident": "Storing",
    "dossier.no_tasks": "Geen open taken.",
    "status.running": "Lopend",
    "status.completed": "Afgerond",
    "status.error": "Storing",
    "new_case.process": "Proces",
    "new_case.gemeente": "Gemeente",
    "new_case.started": "Zaak {case_id} is gestart.",
    "task.completed": "Taak afgerond.",
    "task.no_form": "Deze taak heeft geen formulier.",
    # Forms
    "form.required_marker": " *",
    "form.required": "Verplicht",
    "form.required_legend": "Velden met * zijn verplicht.",
    "form.date_placeholder": "JJJJ-MM-DD",
    "form.date_hint": "Datumformaat: JJJJ-MM-DD",
    "form.select_prompt": "Maak een keuze",
    "form.bounds": "Tussen {minimum} en {maximum}",
    "form.bounds_min": "Minimaal {minimum}",
    "form.bounds_max": "Maximaal {maximum}",
    "form.unsupported": "Dit veld kan hier niet worden bewerkt; de huidige waarde blijft bewaard.",
    "form.errors_heading": "Het formulier bevat fouten:",
    "form.no_fields": "Dit formulier heeft geen velden.",
    # Validation messages: local checks and JSON Schema errors
    "err.required": "Dit veld is verplicht.",
    "err.integer": "Vul een geheel getal in.",
    "err.number": "Vul een getal in.",
    "err.date": "Vul een geldige datum in (JJJJ-MM-DD).",
    "err.format": "Ongeldig formaat ({format}).",
    "err.type": "Verwacht: {expected}.",
    "err.minimum": "Moet minimaal {limit} zijn.",
    "err.maximum": "Mag maximaal {limit} zijn.",
    "err.exclusiveMinimum": "Moet groter zijn dan {limit}.",
    "err.exclusiveMaximum": "Moet kleiner zijn dan {limit}.",
    "err.multipleOf": "Moet een veelvoud van {limit} zijn.",
    "err.minLength": "Vul minstens {limit} tekens in.",
    "err.maxLength": "Vul hoogstens {limit} tekens in.",
    "err.pattern": "Heeft niet het juiste formaat.",
    "err.choice": "Kies een van de toegestane waarden.",
    "err.minItems": "Kies er minstens {limit}.",
    "err.maxItems": "Kies er hoogstens {limit}.",
    "err.uniqueItems": "Elke waarde mag maar één keer voorkomen.",
    "err.additional": "Onbekend veld: {names}.",
    "type.string": "tekst",
    "type.integer": "geheel getal",
    "type.number": "getal",
    "type.boolean": "ja of nee",
    "type.array": "lijst",
    "type.object": "groep velden",
    "type.null": "leeg",
    # Error modal (engine errors translated at the edge)
    "error.title": "Fout",
    "error.invalid_input": "Ongeldige invoer",
    "error.not_found": "Niet gevonden",
    "error.form_invalid": "Formulier bevat fouten",
    "error.conflict": "Deze taak is inmiddels afgerond of door iemand anders gewijzigd.",
    "error.unexpected": "Er ging iets mis: {message}",
    "error.database": "De database is niet bereikbaar.",
}

_EN: dict[str, str] = {
    "app.title": "Traject",
    "app.subtitle": "Participation statement programme",
    "nav.worklist": "Worklist",
    "nav.task": "Task",
    "nav.dossier": "Case file",
    "nav.new_case": "New case",
    "nav.audit": "Audit",
    "nav.dashboard": "Dashboard",
    "action.save": "Save",
    "action.cancel": "Cancel",
    "action.complete": "Complete task",
    "action.start": "Start case",
    "action.open": "Open",
    "action.back": "Back",
    "action.close": "Close",
    "action.refresh": "Refresh",
    "action.search": "Search",
    "action.quit": "Quit",
    "action.yes": "Yes",
    "action.no": "No",
    "action.ok": "OK",
    "col.task": "Task",
    "col.case": "Case",
    "col.person": "Person",
    "col.bsn": "BSN",
    "col.gemeente": "Municipality",
    "col.role": "Role",
    "col.stage": "Stage",
    "col.due": "Due",
    "col.assignee": "Assignee",
    "col.status": "Status",
    "col.created": "Created",
    "worklist.empty": "There are no tasks in the worklist.",
    "worklist.count": "{count} tasks",
    "dossier.data": "Data",
    "dossier.open_tasks": "Open tasks",
    "dossier.history": "History",
    "dossier.timers": "Waiting timers",
    "dossier.incident": "Incident",
    "dossier.no_tasks": "No open tasks.",
    "status.running": "Running",
    "status.completed": "Completed",
    "status.error": "Incident",
    "new_case.process": "Process",
    "new_case.gemeente": "Municipality",
    "new_case.started": "Case {case_id} has started.",
    "task.completed": "Task completed.",
    "task.no_form": "This task has no form.",
    "form.required_marker": " *",
    "form.required": "Required",
    "form.required_legend": "Fields marked * are required.",
    "form.date_placeholder": "YYYY-MM-DD",
    "form.date_hint": "Date format: YYYY-MM-DD",
    "form.select_prompt": "Choose an option",
    "form.bounds": "Between {minimum} and {maximum}",
    "form.bounds_min": "At least {minimum}",
    "form.bounds_max": "At most {maximum}",
    "form.unsupported": "This field cannot be edited here; its current value is kept.",
    "form.errors_heading": "The form has errors:",
    "form.no_fields": "This form has no fields.",
    "err.required": "This field is required.",
    "err.integer": "Enter a whole number.",
    "err.number": "Enter a number.",
    "err.date": "Enter a valid date (YYYY-MM-DD).",
    "err.format": "Invalid format ({format}).",
    "err.type": "Expected: {expected}.",
    "err.minimum": "Must be at least {limit}.",
    "err.maximum": "Must be at most {limit}.",
    "err.exclusiveMinimum": "Must be greater than {limit}.",
    "err.exclusiveMaximum": "Must be less than {limit}.",
    "err.multipleOf": "Must be a multiple of {limit}.",
    "err.minLength": "Enter at least {limit} characters.",
    "err.maxLength": "Enter at most {limit} characters.",
    "err.pattern": "Does not have the expected format.",
    "err.choice": "Choose one of the allowed values.",
    "err.minItems": "Choose at least {limit}.",
    "err.maxItems": "Choose at most {limit}.",
    "err.uniqueItems": "Each value may occur only once.",
    "err.additional": "Unknown field: {names}.",
    "type.string": "text",
    "type.integer": "whole number",
    "type.number": "number",
    "type.boolean": "yes or no",
    "type.array": "list",
    "type.object": "group of fields",
    "type.null": "empty",
    "error.title": "Error",
    "error.invalid_input": "Invalid input",
    "error.not_found": "Not found",
    "error.form_invalid": "The form has errors",
    "error.conflict": "This task has been completed or changed by someone else in the meantime.",
    "error.unexpected": "Something went wrong: {message}",
    "error.database": "The database cannot be reached.",
}

_TEXTS: dict[str, dict[str, str]] = {"nl": _NL, "en": _EN}
_language = "nl"


def set_language(language: str) -> None:
    """Switch the interface language ('nl' or 'en') for texts looked up from now on."""
    global _language
    if language not in _TEXTS:
        raise ValueError(f"unknown language {language!r}; choose from {', '.join(LANGUAGES)}")
    _language = language


def get_language() -> str:
    return _language


def t(key: str, **values: object) -> str:
    """The text for `key` in the current language, formatted with `values`.

    A missing key falls back to Dutch and then to the key itself, so a typo shows up on screen
    instead of crashing a caseworker's session.
    """
    text = _TEXTS[_language].get(key) or _NL.get(key) or key
    return text.format(**values) if values else text


def keys(language: str) -> set[str]:
    """The keys defined for `language` (used by the test that keeps both tables in step)."""
    return set(_TEXTS[language])
