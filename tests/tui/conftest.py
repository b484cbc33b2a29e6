import asyncio
import inspect
import shutil

import pytest
from tui_app_fixtures import seed

from tui import i18n


@pytest.fixture(autouse=True)
def dutch():
    """Every test starts, and leaves, the interface in Dutch."""
    i18n.set_language("nl")
    yield
    i18n.set_language("nl")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests (Pilot tests) in a fresh event loop.

    The dev dependencies carry no pytest-asyncio or anyio; this is all the Pilot tests need.
    """
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    """The seeded SQLite database, made once per session (seeding runs every case through the engine)."""
    path = tmp_path_factory.mktemp("seed") / "template.db"
    cases = seed(f"sqlite:///{path}")
    return path, cases


@pytest.fixture
def db(seeded_template, tmp_path):
    """A fresh copy of the seeded database per test: (url, {person name: case id})."""
    template, cases = seeded_template
    path = tmp_path / "traject.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}", cases
