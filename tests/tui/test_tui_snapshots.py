"""Screenshots of the form's key states at 80x24. Update with `pytest tests/tui --snapshot-update`
after checking the new SVGs (under __snapshots__/) look right."""
from tui.widgets import errors_from_jsonschema

from tui_form_fixtures import FormApp

FILLED = {"zaak_id": "Z-2024-0001", "voertaal": "Tigrinya", "aantal_kinderen": 25,
          "beschikbaarheid": ["ma_ochtend", "wo_ochtend"], "adres": {"huisnummer": 12, "postcode": "12345"}}


def test_empty_intake_form(snap_compare):
    assert snap_compare(FormApp(), terminal_size=(80, 24))


def test_intake_form_with_errors(snap_compare):
    async def submit_and_reject(pilot):
        # What the task screen does with the engine's FormInvalid errors.
        form = pilot.app.form
        await pilot.press("ctrl+s")
        await pilot.pause()
        form.show_errors(errors_from_jsonschema(form.schema, form.get_data()))
        await pilot.pause()

    assert snap_compare(FormApp(data=FILLED), terminal_size=(80, 24), run_before=submit_and_reject)


def test_nested_errors_scroll_into_view(snap_compare):
    async def reject_address(pilot):
        form = pilot.app.form
        errors = [(path, msg) for path, msg in errors_from_jsonschema(form.schema, form.get_data())
                  if path.startswith("adres.")]
        form.show_errors(errors)
        await pilot.pause()

    assert snap_compare(FormApp(data=FILLED), terminal_size=(80, 24), run_before=reject_address)


def test_local_date_error(snap_compare):
    assert snap_compare(FormApp(), terminal_size=(80, 24), press=[*"31-02-2024", "ctrl+s"])
