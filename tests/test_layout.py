"""The layout a newcomer reads: arrows run one way between the packages, and no module circles back.

Read from the source with `ast`, not from `sys.modules`, so the rules hold for every import a reader
follows: those at module level, those under `if TYPE_CHECKING:` and those inside a function. A circle
through a type-only or a deferred import is still two modules that cannot be read (or moved) one
without the other; deferring an import hides such a circle, it does not break it. The one deferred
import the layout wants is the application's of the sandbox, which it needs only in demo mode.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "escalation", "faq", "sandbox")
TELEGRAM_FRAMEWORKS = ("aiogram", "telegram")


@dataclass(frozen=True)
class Import:
    """One import statement's target, where it was written, and whether it runs when the module loads."""

    source: str
    target: str
    line: int
    at_load: bool


def module_name(path: Path) -> str:
    """`bot/durable/inbox.py` -> `bot.durable.inbox`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every module of the project's packages (tests and benches are not part of the layout)."""
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def is_type_checking(node: ast.If) -> bool:
    """`if TYPE_CHECKING:` or `if typing.TYPE_CHECKING:`."""
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The modules `name` imports; `from package import module` points at the module itself."""
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def visit(node: ast.AST, at_load: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(name, alias.name, node.lineno, at_load) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            for alias in node.names:
                candidate = f"{prefix}.{alias.name}"
                target = candidate if candidate in modules else prefix
                found.append(Import(name, target, node.lineno, at_load))
        deferred = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            hidden = deferred or (isinstance(node, ast.If) and is_type_checking(node) and child in node.body)
            visit(child, at_load and not hidden)

    visit(ast.parse(path.read_text("utf-8"), str(path)), at_load=True)
    return found


def all_imports() -> list[Import]:
    """Every import written in the project's packages."""
    modules = project_modules()
    return [found for name, path in modules.items() for found in imports_of(name, path, modules)]


def within(target: str, packages: tuple[str, ...]) -> bool:
    """Whether the dotted module `target` is one of `packages` or inside one."""
    return any(target == package or target.startswith(f"{package}.") for package in packages)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while (member := stack.pop()) != node:
                component.append(member)
            component.append(node)
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_module_imports_itself_back() -> None:
    """No circle among the project's modules, counting type-only and deferred imports."""
    modules = project_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for found in all_imports():
        if found.target in modules and found.target != found.source:
            graph[found.source].add(found.target)
    assert circles(graph) == []


@pytest.mark.parametrize(
    ("packages", "forbidden"),
    [
        (("escalation", "faq"), ("bot", "handlers", "sandbox")),
        (("handlers",), ("bot", "sandbox")),
        (("sandbox",), ("bot", "handlers", "escalation", "faq")),
    ],
)
def test_arrows_point_one_way(packages: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    """`bot -> handlers -> escalation, faq`; the sandbox stands apart and knows nothing of the desk."""
    wrong = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in all_imports()
        if within(found.source, packages) and within(found.target, forbidden)
    ]
    assert wrong == []


def test_only_the_runtimes_import_a_telegram_framework() -> None:
    """aiogram and python-telegram-bot stay behind `bot/runtime`; the rest speaks neutral events."""
    wrong = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in all_imports()
        if within(found.target, TELEGRAM_FRAMEWORKS) and not within(found.source, ("bot.runtime",))
    ]
    assert wrong == []


def test_the_application_loads_the_sandbox_only_for_the_demo() -> None:
    """No module of `bot` imports the sandbox when it loads: a bot against Telegram never carries it."""
    wrong = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in all_imports()
        if within(found.source, ("bot",)) and within(found.target, ("sandbox",)) and found.at_load
    ]
    assert wrong == []
