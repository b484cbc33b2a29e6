"""The restricted script engine for BPMN scripts, gateway conditions and DMN cells.

Spiff's default engine runs ``exec(script, task.data)`` with every builtin, and its TaskDataEnvironment
only swaps builtins (escaped through ``().__class__.__base__.__subclasses__()``). We compile with
RestrictedPython, which refuses "_" names at compile time and turns attribute and item access,
iteration, unpacking and in-place operators into calls of the guards below.

A script sees, in globals rebuilt for every call (so one engine serves all threads): safe builtins
plus _WHITELIST (no __import__, open, eval, exec, compile, getattr, globals, vars, type; no modules),
the HELPERS (time only through engine.clock.current_time(): date.today()/datetime.now() are refused,
so replays are deterministic), and the task data as variables.

Collisions: task data wins. A data key named like a helper or builtin (a form field ``date``) hides it
for that script only; nothing is refused (unlike Spiff's check_for_overwrite), the key is never
dropped, and if a script using that name fails, the error says the data key hides the helper.

Writing back: a script runs on a deep copy of the data; only a successful run changes task.data (new
or changed variables stored, deleted ones removed, callables dropped, values made JSON-safe: dates to
ISO text, tuples to lists, anything else non-JSON is an error naming the variable). So a failed script
leaves the data as it was and never mutates nested values shared with earlier tasks.
Limits: ``d["k"] += 1`` is refused by RestrictedPython. Repetition and power (``*``, ``**``, ``<<``,
``pow`` and their in-place forms) go through a size guard: one result over MAX_ITEMS items or
MAX_INT_BITS bits is refused, so ``"x" * 10**9`` is an incident instead of a worker killed by memory.
Time budget: every engine instance (one per command) allows its scripts, conditions and DMN cells
DEFAULT_BUDGET seconds of wall time together. The compiler inserts a `_tick_()` check at the top of
every loop body and function, and every iteration goes through a ticking `_getiter_`; past the
deadline the script raises ScriptRefused, so the command ends as an incident (no thread is killed).
Determinism: `hash` is left out and sets (literals, comprehensions, set() and frozenset()) iterate
in a fixed order, not in the per-process order of Python's hash seed, so replays reproduce the data. A script can never raise past ``except Exception``: ``mro`` is
refused and anything raised that is not an Exception becomes a ScriptRefused.
"""
from __future__ import annotations

import ast
import builtins
import calendar
import contextlib
import copy
import functools
import operator
import re
import textwrap
import time
import traceback
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from RestrictedPython import PrintCollector, compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import BasePythonScriptEngineEnvironment, PythonScriptEngine

from engine import calendar_nl
from engine.clock import current_time

__all__ = ["HELPERS", "ScriptRefused", "check_dmn_input_entry", "check_syntax", "make_script_engine"]

FILENAME = "<script>"  # finds the script's own frames in a traceback
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class ScriptRefused(Exception):
    """A guard refused an operation while the script ran."""


# ---- helpers: the only way a script learns the time ------------------------------------------------

def now() -> datetime:
    """The engine clock (tz-aware UTC)."""
    return current_time()


def today() -> str:
    """Today's date in the Netherlands as ISO text ('2024-05-31')."""
    return current_time().astimezone(AMSTERDAM).date().isoformat()


def parse_date(value: str | date) -> date:
    """An ISO date or date-time (text, date or datetime) as a date; aware times count in Dutch time."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            value = datetime.fromisoformat(value.strip())
    if isinstance(value, datetime):
        return (value.astimezone(AMSTERDAM) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"parse_date() needs an ISO date text, not {type(value).__name__}")


def add_days(day: str | date, n: int) -> str:
    return (parse_date(day) + timedelta(days=n)).isoformat()


def add_months(day: str | date, n: int) -> str:
    """Calendar months, clipped to the month's end (31 Jan + 1 month = 29 Feb 2024)."""
    start = parse_date(day)
    years, month0 = divmod(start.month - 1 + n, 12)
    last = calendar.monthrange(start.year + years, month0 + 1)[1]
    return date(start.year + years, month0 + 1, min(start.day, last)).isoformat()


def days_between(a: str | date, b: str | date) -> int:
    """Days from a to b (negative when b is earlier)."""
    return (parse_date(b) - parse_date(a)).days


def add_working_days(day: str | date, n: int) -> str:
    """The n-th working day after `day` (weekends and the Algemene termijnenwet's holidays skipped)."""
    return calendar_nl.add_working_days(parse_date(day), int(n)).isoformat()


def dutch_time(day: str | date, clock: str = "09:00") -> str:
    """An ISO timer value: `day` at `clock` in Dutch time, +01:00 in winter and +02:00 in summer."""
    return calendar_nl.dutch_time(parse_date(day), clock)


HELPERS = {"now": now, "today": today, "parse_date": parse_date, "add_days": add_days,
           "add_months": add_months, "days_between": days_between,
           "add_working_days": add_working_days, "dutch_time": dutch_time,
           "date": date, "datetime": datetime, "timedelta": timedelta}

# ---- guards ----------------------------------------------------------------------------------------


def _getattr(obj, name):
    if name.startswith("_"):
        raise ScriptRefused(f"access to '{name}' is not allowed in scripts")
    if name == "mro":  # Exception.mro()[1] is BaseException, which gets past every `except Exception`
        raise ScriptRefused("access to 'mro' is not allowed in scripts")
    if name in ("now", "today", "utcnow") and (
            isinstance(obj, date) or (isinstance(obj, type) and issubclass(obj, date))):
        raise ScriptRefused(f"'{name}()' reads the wall clock; use the now() or today() helpers")
    # RestrictedPython's check also refuses str.format (it reaches attributes by name) and the
    # frame/generator internals (gi_frame, f_globals) that lead back to real globals.
    return safer_getattr_raise(obj, name)


# A result larger than this is refused before it is built (a 10**9 repeat takes GBs and minutes).
MAX_ITEMS = 10_000_000  # characters of a text, items of a list or tuple, bytes
MAX_INT_BITS = 1_000_000  # about 300 000 decimal digits
BUDGET_EXCEEDED = "ran longer than their time budget"  # the replay recognises these incidents by it
DEFAULT_BUDGET = 2.0  # seconds of wall time for all scripts of one command (TRAJECT_SCRIPT_BUDGET)


def _too_big(what: str) -> ScriptRefused:
    return ScriptRefused(f"{what} would be too large (scripts may build at most {MAX_ITEMS:,} items "
                         f"or {MAX_INT_BITS:,}-bit numbers)")


def _length(value) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple | bytearray) else None


def _mul(a, b):
    """`a * b` with a size guard on sequence repetition."""
    for seq, n in ((a, b), (b, a)):
        size = _length(seq)
        if size is not None and isinstance(n, int) and size * max(n, 0) > MAX_ITEMS:
            raise _too_big("a repetition")
    return a * b


def _bits(value) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def _pow(a, b, mod=None):
    """`a ** b` (and pow()) with a size guard on integer results."""
    if mod is None and isinstance(a, int) and isinstance(b, int) and b > 0 and _bits(a) > 1:
        if (_bits(a) - 1) * b > MAX_INT_BITS:
            raise _too_big("a power")
    return pow(a, b) if mod is None else pow(a, b, mod)


def _lshift(a, b):
    if isinstance(a, int) and isinstance(b, int) and a and _bits(a) + b > MAX_INT_BITS:
        raise _too_big("a shift")
    return a << b


def _range(*args):
    """range() with the size guard: `sum(range(10**12))` would loop in C, out of the time budget's reach."""
    r = range(*args)
    if len(r) > MAX_ITEMS:
        raise _too_big("a range")
    return r


def _order_key(value):
    # repr() of text and numbers does not depend on the hash seed; the type name keeps mixed sets sortable
    return type(value).__name__, repr(value)


class _Ordered:
    """Iteration (and so list(), join(), for, repr) in sorted order, whatever the hash seed."""

    def __iter__(self):
        return iter(sorted(super().__iter__(), key=_order_key))

    def __repr__(self):
        items = list(self)
        return "{" + ", ".join(map(repr, items)) + "}" if items else f"{self._kind}()"

    def _wrap(self, result):
        return type(self)(result) if isinstance(result, set | frozenset) else result


def _wrapping(name):
    def method(self, *args):
        return self._wrap(getattr(super(_Ordered, self), name)(*args))
    method.__name__ = name
    return method


for _name in ("__or__", "__and__", "__sub__", "__xor__", "__ror__", "__rand__", "__rsub__", "__rxor__",
              "union", "intersection", "difference", "symmetric_difference", "copy"):
    setattr(_Ordered, _name, _wrapping(_name))


class OrderedSet(_Ordered, set):
    _kind = "set"


class OrderedFrozenSet(_Ordered, frozenset):
    _kind = "frozenset"


OrderedSet.__name__, OrderedFrozenSet.__name__ = "set", "frozenset"  # what type errors and isinstance show

_GUARDED_OPS = {"*": _mul, "**": _pow, "<<": _lshift}
_INPLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": _mul, "/=": operator.itruediv,
            "//=": operator.ifloordiv, "%=": operator.imod, "**=": _pow, "|=": operator.ior,
            "&=": operator.iand, "^=": operator.ixor, "<<=": _lshift, ">>=": operator.irshift}
# Dropped: hash() (its value for text differs per process), class building, setattr/delattr, and non-Exceptions (`raise SystemExit` would get past
# Spiff's `except Exception` and end the CLI).
_DROPPED = {"hash", "BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit", "__build_class__",
            "setattr", "delattr"}
_WHITELIST = (len, min, max, sum, sorted, reversed, any, all, abs, round, divmod, list, dict, tuple, str, int, float, bool, enumerate, zip, map, filter, isinstance)
_BUILTINS = ({k: v for k, v in safe_builtins.items() if k not in _DROPPED} | {f.__name__: f for f in _WHITELIST}
             | {"pow": _pow, "range": _range, "set": OrderedSet, "frozenset": OrderedFrozenSet})
# Names people try that we leave out on purpose: their NameError gets a clearer message.
_FORBIDDEN = {"hash", "open", "compile", "getattr", "globals", "locals", "vars", "type", "input", "breakpoint",
              "dir", "help", "setattr", "delattr", "memoryview", "SystemExit", "BaseException"}
_REFUSED_BUILTINS = (frozenset(n for n in dir(builtins) if not n.startswith("_")) | _FORBIDDEN) - set(
    _BUILTINS) - set(HELPERS) - {"print"}  # print() goes to _print_, which discards it
_SHADOWABLE = set(HELPERS) | {k for k in _BUILTINS if not k.startswith("_")}

_GLOBALS = {
    "__builtins__": _BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_write_": full_write_guard,  # scripts may write into dicts and lists only
    "_inplacevar_": lambda op, x, y: _INPLACE[op](x, y),
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_apply_": lambda f, *args, **kwargs: f(*args, **kwargs),
    "_print_": PrintCollector,  # print() is accepted and discarded
    "_binop_": lambda op, x, y: _GUARDED_OPS[op](x, y),
    "_set_": OrderedSet,
}

# ---- compiling -------------------------------------------------------------------------------------


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy, worded for process designers, without imports or classes."""

    def check_name(self, node, name, allow_magic_methods=False):
        if name and name.startswith("_") and name != "_":
            return self.error(node, f"the name '{name}' is not allowed in scripts")
        return super().check_name(node, name, allow_magic_methods)

    def visit_Attribute(self, node):
        if not node.attr.startswith("_"):
            return super().visit_Attribute(node)
        node = self.node_contents_visit(node)  # report the innermost ('__class__') first
        self.error(node, f"access to '{node.attr}' is not allowed in scripts")
        return node

    def visit_Import(self, node, what="imports"):
        self.error(node, f"{what} are not allowed in scripts")
        return node

    def visit_BinOp(self, node):
        """`a * b`, `a ** b` and `a << b` become `_binop_("*", a, b)`: the size guard above."""
        node = self.node_contents_visit(node)
        symbol = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<"}.get(type(node.op))
        if symbol is None:
            return node
        return _call("_binop_", [ast.Constant(symbol), node.left, node.right], node)

    def visit_While(self, node):
        return _with_tick(super().visit_While(node))

    def visit_For(self, node):
        return _with_tick(super().visit_For(node))

    def visit_FunctionDef(self, node):
        return _with_tick(super().visit_FunctionDef(node))

    def visit_Set(self, node):
        """`{a, b}` becomes `_set_([a, b])`: a set with a fixed iteration order (see OrderedSet)."""
        node = super().visit_Set(node)
        return _call("_set_", [ast.List(elts=node.elts, ctx=ast.Load())], node)

    def visit_SetComp(self, node):
        node = super().visit_SetComp(node)
        return _call("_set_", [ast.ListComp(elt=node.elt, generators=node.generators)], node)

    visit_ImportFrom = visit_Import
    visit_ClassDef = functools.partialmethod(visit_Import, what="class definitions")


def _call(name: str, args: list, where: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(call, where))


def _with_tick(node):
    """A `_tick_()` first in the body: the time budget is checked on every pass and every call."""
    where = node.body[0] if node.body else node
    tick = ast.fix_missing_locations(ast.copy_location(ast.Expr(_call("_tick_", [], where)), where))
    node.body.insert(0, tick)
    return node


_LINE = re.compile(r"Line (\d+|None): (?:SyntaxError: )?(.*)", re.S)


@functools.lru_cache(maxsize=4096)  # compiling takes 20-50 µs, a cached eval 1 µs; DMN evals every cell
def _compile(source: str, mode: str):
    # The *_exec/_eval variants of compile_restricted return errors instead of raising a tuple of
    # messages, and emit no SyntaxWarnings. Spiff passes XML text as is: strip and dedent it.
    # (compile() itself still raises a few, like 'yield' outside function, with a proper lineno.)
    skipped = 0  # leading blank lines stripped from an expression, so lines still match the XML
    if mode == "eval":
        skipped = source[: len(source) - len(source.lstrip())].count("\n")
        result = compile_restricted_eval(source.strip(), FILENAME, policy=_Policy)
    else:
        result = compile_restricted_exec(textwrap.dedent(source), FILENAME, policy=_Policy)
    if result.errors:  # "Line N: message" strings: the line number exists only in the text
        match = _LINE.match(result.errors[0])
        line, message = (match[1], match[2]) if match else ("None", result.errors[0])
        raise SyntaxError(message, (FILENAME, int(line) + skipped if line.isdigit() else None, None, None))
    return result.code


def check_syntax(source: str, mode: str) -> tuple[int | None, str] | None:
    """(line, message) of the first syntax or policy problem of a script ('exec') or expression ('eval')."""
    try:
        _compile(source, mode)
    except SyntaxError as err:
        return err.lineno, err.msg
    return _refused_builtin(source, mode)


_CLOCK_READS = frozenset({"now", "today", "utcnow"})


def _names_date_type(node: ast.AST) -> bool:
    """`datetime`, `date` or `datetime.datetime`: what the _getattr guard refuses `.now` on."""
    if isinstance(node, ast.Attribute):
        return node.attr in ("datetime", "date")
    return isinstance(node, ast.Name) and node.id in ("datetime", "date")


def _refused_builtin(source: str, mode: str) -> tuple[int | None, str] | None:
    """A call of a Python builtin the sandbox leaves out (`open`, `locals`, `getattr`, `type`, ...).

    Only calls count: a name like `type` may well be case data, but data is never called. A name the
    script binds itself (assignment, def, loop variable) is the script's own.
    """
    text = source.strip() if mode == "eval" else textwrap.dedent(source)
    skipped = source[: len(source) - len(source.lstrip())].count("\n") if mode == "eval" else 0
    tree = ast.parse(text, mode=mode)
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    bound |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in _CLOCK_READS and _names_date_type(node.value):
            return (node.lineno + skipped, f"'{node.attr}()' reads the wall clock (refused when the script "
                    "runs); use the now() or today() helpers")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in _REFUSED_BUILTINS and name not in bound:
                return node.lineno + skipped, f"'{name}' is not available in scripts (the sandbox leaves it out)"
    return None


_QUESTION = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # DMNEngine's: '?' outside quotes


def _dump(expression: str) -> str | None:
    try:
        return ast.dump(ast.parse(expression.strip(), mode="eval"))
    except SyntaxError:
        return None


def check_dmn_input_entry(text: str | None, input_expression: str = "v") -> tuple[int | None, str] | None:
    """Check a DMN input entry the way SpiffWorkflow's DMNEngine evaluates it.

    '-' or empty matches anything; '?' stands for the input (``? in ("a", "b")``); a value is compared
    with ``==`` (``"a"``, ``5``); anything else is glued after the input expression (``< 5``).
    """
    if text is None or text.strip() in ("", "-"):
        return None
    if _QUESTION.search(text):
        return check_syntax(_QUESTION.sub("dmninputexpr", text), "eval")
    if check_syntax(text, "eval") is None:  # DMNEngine.needs_eq: a value
        if isinstance(ast.parse(text.strip(), mode="eval").body, ast.Tuple):
            return 1, f"a comma list never matches a single value; write '? in ({text.strip()})'"
        return None
    if check_syntax(f"v {text}", "eval"):
        return check_syntax(text, "eval")
    # DMNEngine glues input and entry without a space: 'soort' + 'in (...)' gives 'soortin (...)'.
    if _dump(input_expression + text) != _dump(f"{input_expression} {text}"):
        return 1, f"write '? {text.strip()}': an entry starting with a word is glued onto the input"
    return None


# ---- running ---------------------------------------------------------------------------------------

def _jsonable(value, key: str):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v, key) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _jsonable(v, key) for k, v in value.items()}
    raise TypeError(f"variable '{key}' holds a {type(value).__name__}, which cannot be stored in case "
                    "data (use text, numbers, booleans, lists or dicts with text keys)")


@contextlib.contextmanager
def _contained():
    """Whatever a script raises ends as an Exception, so Spiff's handlers and the worker's see it.

    A BaseException (not reachable since 'mro' is refused, but the guard costs nothing) would pass every
    `except Exception` and stop the command or the timer worker. KeyboardInterrupt is the user's Ctrl-C,
    never the script's, so it passes.
    """
    try:
        yield
    except (Exception, KeyboardInterrupt):
        raise
    except BaseException as err:
        raise ScriptRefused(f"raising {type(err).__name__} is not allowed in scripts") from None


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Spiff also calls environment.evaluate directly (process completion conditions, message
    correlations), so the restrictions live here; the engine below only translates errors."""

    def __init__(self, budget: float = DEFAULT_BUDGET):
        super().__init__({**_GLOBALS, **HELPERS})
        self.budget = budget
        self._deadline: float | None = None  # set by the first script of the command
        self._timing = {"_tick_": self._tick, "_getiter_": self._iter}

    def restart_budget(self) -> None:
        """A new command on the same workflow (the replay applies many events to one): a fresh budget."""
        self._deadline = None

    def _tick(self) -> None:
        if time.monotonic() > self._deadline:
            raise ScriptRefused(f"the scripts of this command {BUDGET_EXCEEDED} of "
                                f"{self.budget:g} s (an endless loop?)")

    def _iter(self, iterable):
        """Every for-loop and comprehension step ticks: `[x for x in ...]` has no body to put a check in."""
        for n, item in enumerate(iter(iterable)):
            if not n & 1023:
                self._tick()
            yield item

    def _scope(self, context, external_context):
        # Task data wins over helpers and builtins, but never over the guards: a form could post a
        # "_getattr_" key (scripts cannot name "_" variables, so such keys are unreachable anyway).
        if self._deadline is None:
            self._deadline = time.monotonic() + self.budget
        return {**HELPERS, **(external_context or {}), **context, **_GLOBALS, **self._timing}

    def evaluate(self, expression, context, external_context=None):
        with _contained():
            return eval(_compile(expression, "eval"), self._scope(context, external_context))

    def execute(self, script, context, external_context=None):
        scope = self._scope(copy.deepcopy(context), external_context)
        with _contained():
            exec(_compile(script, "exec"), scope)
        updates = {}
        for key, value in scope.items():
            if key in _GLOBALS or callable(value) or (
                    key not in context and (key.startswith("_") or key in (external_context or {}))):
                continue  # guards, helpers, functions the script defined, external values
            if key not in context or type(value) is not type(context[key]) or value != context[key]:
                updates[key] = _jsonable(value, key)  # may raise: nothing is written yet
        for key in [k for k in context if k not in scope]:  # `del x` in the script
            del context[key]
        context.update(updates)
        return True


class RestrictedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose failures are WorkflowTaskExceptions with a clear message and line."""

    def __init__(self, budget: float = DEFAULT_BUDGET):
        super().__init__(environment=RestrictedEnvironment(budget))

    def validate(self, expression):
        _compile(expression, "eval")  # DMNEngine.needs_eq relies on a SyntaxError here

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except Exception as err:
            raise _task_error(task, f"expression {expression!r}", expression, err) from err

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context)
        except Exception as err:
            raise _task_error(task, "script", script, err) from err

    def call_service(self, task, **kwargs):  # the base class's version has a NameError bug
        raise WorkflowTaskException("service tasks are not supported", task=task)


def _task_error(task, what: str, source: str, err: Exception) -> WorkflowTaskException:
    if isinstance(err, SyntaxError):
        line = err.lineno
    else:  # the innermost frame of the script itself
        frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == FILENAME]
        line = frames[-1].lineno if frames else None
    if isinstance(err, SyntaxError | ScriptRefused):  # our own messages: no type name needed
        detail = err.msg if isinstance(err, SyntaxError) else str(err)
    elif isinstance(err, NameError) and err.name in _FORBIDDEN:
        detail = f"'{err.name}' is not available in scripts"
    else:
        detail = f"{type(err).__name__}: {err}"
    lines = source.splitlines() if what == "script" else []
    error_line = lines[line - 1] if line and line <= len(lines) else None
    where = f" on line {line}" if lines and line else ""
    exc = WorkflowTaskException(f"{what} failed{where}: {detail}", task=task, exception=err,
                                line_number=line, error_line=error_line)
    hidden = sorted(k for k in _SHADOWABLE.intersection(task.data) if re.search(rf"\b{k}\b", source))
    if hidden:
        exc.add_note(f"task data {', '.join(hidden)} hides the script helper(s) of the same name")
    return exc


def make_script_engine(budget: float = DEFAULT_BUDGET) -> PythonScriptEngine:
    """A restricted engine for BpmnWorkflow(spec, subprocess_specs, script_engine=...).

    One per command: its time budget starts with its first script. Cheap to make (the compile cache is
    shared).
    Set it again after deserializing: the serializer builds workflows with Spiff's unrestricted default.
    """
    return RestrictedScriptEngine(budget)
