"""Layers point one way. Each package may import its own and the ones below it, never
one above; Telegram (python-telegram-bot) only in handlers/ and bot/.

    bot/          wiring: the Application, inbox, outbox, transport, config, practice
    handlers/     what people see and tap: thin, Telegram-facing
    services/     the use cases, one home each, the only writers
    scheduling/   durable timers
    storage/      SQL
    domain/       records, lifecycles and rules: plain code
    core/         the clock, texts, priorities

Imports under ``if TYPE_CHECKING:`` are types for the reader, not dependencies at run
time, and are allowed to point up (a handler names the ``Services`` it is given).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import REPO

LAYERS = ["core", "domain", "storage", "scheduling", "services", "handlers", "bot"]
TELEGRAM_ALLOWED = {"handlers", "bot"}


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for each import that runs (not under ``if TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                type_only.update(id(n) for n in ast.walk(child))
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _modules():
    for layer in LAYERS:
        for path in sorted((REPO / layer).rglob("*.py")):
            yield layer, path


@pytest.mark.parametrize(("layer", "path"), list(_modules()), ids=lambda v: str(v)[-40:])
def test_imports_point_down(layer, path):
    rank = LAYERS.index(layer)
    wrong = []
    for line, module in _runtime_imports(path):
        top = module.split(".")[0]
        if top in LAYERS and LAYERS.index(top) > rank:
            wrong.append(
                f"{path.relative_to(REPO)}:{line} imports {module} ({top} is above {layer})"
            )
        if top == "telegram" and layer not in TELEGRAM_ALLOWED:
            wrong.append(f"{path.relative_to(REPO)}:{line} imports {module} below handlers/")
    assert not wrong, "\n".join(wrong)


def test_the_walk_sees_what_it_must():
    """The check itself: it finds an upward import, and ignores a type-only one."""
    sample = REPO / "domain" / "_layers_probe.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\n"
        "from services.waakvlam import Waakvlam\n"
        "if TYPE_CHECKING:\n"
        "    from bot.services import Services\n"
    )
    try:
        assert [m for _, m in _runtime_imports(sample)] == ["typing", "services.waakvlam"]
    finally:
        sample.unlink()


def test_the_emulator_stands_apart():
    """The emulator plays Telegram: it knows nothing of the bot, and only practice mode
    (which runs the two side by side) imports it."""
    wrong = []
    for path in sorted((REPO / "emulator").rglob("*.py")):
        for line, module in _runtime_imports(path):
            if module.split(".")[0] in LAYERS:
                wrong.append(f"{path.relative_to(REPO)}:{line} imports {module}")
    for _layer, path in _modules():
        for line, module in _runtime_imports(path):
            if module.split(".")[0] == "emulator" and path != REPO / "bot" / "practice.py":
                wrong.append(f"{path.relative_to(REPO)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)
