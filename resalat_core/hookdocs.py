"""Writes docs/plugin-reference.md: every hook (the host's and each plugin's) and every value type.

Read from the source (the hook specifications' signatures and docstrings, the dataclasses'
fields), so the reference cannot drift from the code: ``scripts/hook-docs`` rewrites it and a
test fails when the committed page differs from what the code says.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path("docs") / "plugin-reference.md"
TYPES = (
    "Plugin",
    "Role",
    "RoleKind",
    "Persona",
    "SystemAccount",
    "AccountKind",
    "Purpose",
    "Permission",
    "Tile",
    "NextStep",
    "NavItem",
    "Figure",
    "MessageKind",
    "Message",
    "CreditSignal",
    "SignalKind",
    "PeriodicJob",
)


def _hooks(path: Path) -> list[tuple[str, str, str, str | None]]:
    """(name, signature, docstring, awaiting) for each hook specification in ``path``."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("resalat_")):
            continue
        args = ", ".join(
            f"{a.arg}: {ast.unparse(a.annotation)}" if a.annotation else a.arg for a in node.args.args
        )
        returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
        waiting = None
        first = False
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "awaiting":
                waiting = ast.literal_eval(deco.args[0])
            if isinstance(deco, ast.Call) and any(
                k.arg == "firstresult" and getattr(k.value, "value", False) for k in deco.keywords
            ):
                first = True
        signature = f"{node.name}({args}){returns}" + ("  # first answer wins" if first else "")
        found.append((node.name, signature, ast.get_docstring(node) or "", waiting))
    return found


def _types(path: Path) -> list[tuple[str, str, list[str]]]:
    """(name, docstring, field lines) of the value types a plugin declares or returns."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in TYPES:
            fields = []
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    default = f" = {ast.unparse(item.value)}" if item.value is not None else ""
                    fields.append(f"{item.target.id}: {ast.unparse(item.annotation)}{default}")
            found.append((node.name, ast.get_docstring(node) or "", fields))
    return sorted(found, key=lambda t: TYPES.index(t[0]))


def render(root: Path = ROOT) -> str:
    """The whole reference page, as markdown."""
    lines = [
        "# Plugin reference",
        "",
        "Written by `scripts/hook-docs` from the code; do not edit by hand. The guide is the",
        "README's \"Writing a plugin\" section. Hooks are answered with `@hookimpl` in a plugin's",
        "`hooks.py`; a hook another plugin owns, when that plugin is not in `requires`, is answered",
        "with `@hookimpl(optionalhook=True)`.",
        "",
        "## Hooks the host offers",
        "",
    ]
    lines += _hook_sections(_hooks(root / "resalat_core" / "plugins" / "spec.py"))
    for spec in sorted((root / "plugins").glob("*/resalat_*/hookspecs.py")):
        owner = spec.parent.parent.name
        lines += [f"## Hooks the `{owner}` plugin offers", ""]
        lines += _hook_sections(_hooks(spec))
    lines += ["## Value types", "", "From `resalat_core.sdk`; texts are lazy translations (`_l`).", ""]
    for name, doc, fields in _types(root / "resalat_core" / "plugins" / "base.py"):
        lines += [f"### `{name}`", "", doc, "", "```text", *fields, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _hook_sections(hooks: list[tuple[str, str, str, str | None]]) -> list[str]:
    lines = []
    for name, signature, doc, waiting in hooks:
        lines += [f"### `{name}`", "", "```text", signature, "```", "", doc, ""]
        if waiting:
            lines += [f"*Not answered yet: {waiting}.*", ""]
    return lines


def main() -> int:
    target = ROOT / TARGET
    target.parent.mkdir(exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
