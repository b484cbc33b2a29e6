"""The dossier's Verloop: the case's steps through its process, the current one marked."""
from __future__ import annotations

from test_tui_app_snapshots import at_person
from textual.widgets import Static
from tui_app_fixtures import make_app, settle

from tui.screens.dossier import DossierScreen


def path_text(screen) -> list[str]:
    return str(screen.query_one("#dossier-path", Static).render()).splitlines()


async def test_the_dossier_shows_done_current_and_next(db):
    app = make_app(db[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await at_person("Sara Haddad", "d")(pilot)
        assert isinstance(app.screen, DossierScreen)
        lines = path_text(app.screen)
        assert lines[0] == "✓ Intake"
        assert lines[1] == "▶ Workshop plannen · klantmanager"
        assert lines[2] == "→ Ondertekening · coordinator (volgt)"


def test_dossier_path_snapshot(snap_compare, db):
    async def to_the_path(pilot):
        await at_person("Sara Haddad", "d")(pilot)
        pilot.app.screen.query_one("#dossier-path").scroll_visible(animate=False, top=True)
        await settle(pilot)

    assert snap_compare(make_app(db[0]), terminal_size=(100, 30), run_before=to_the_path)
