import asyncio
import inspect

import pytest

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
