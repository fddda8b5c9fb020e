"""The rules that keep the package's layout its data flow, read from the source with ast (nothing imported):
no import cycle, no private name imported from another module, no module over 500 lines, no function over 80."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "briefsum"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def modules(root: Path) -> dict[str, Path]:
    """Module name -> file, for every .py file under the package folder `root`."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = (root.name, *path.relative_to(root).with_suffix("").parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported from, names imported, line) for every import in a module, function-level ones too."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((a.name, [], node.lineno) for a in node.names)
    return found


def import_graph(mods: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for target, names, _ in imports(name, path):
            for dep in [f"{target}.{n}" for n in names if f"{target}.{n}" in mods] or [target]:
                if dep in mods and dep != name:
                    graph[name].add(dep)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def private_imports(mods: dict[str, Path]) -> list[str]:
    """'module:line imports _name from other' for every private name imported from another module."""
    out = []
    for name, path in mods.items():
        for target, names, line in imports(name, path):
            for n in names:
                if n.startswith("_") and not n.startswith("__"):
                    out.append(f"{name}:{line} imports {n} from {target}")
    return out


def long_modules(mods: dict[str, Path], limit: int = MAX_MODULE_LINES) -> list[str]:
    return [f"{name}: {n} lines" for name, path in mods.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > limit]


def long_functions(mods: dict[str, Path], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    out = []
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > limit:
                    out.append(f"{name}.{node.name} (line {node.lineno}): {n} lines")
    return out


def test_the_checks_read_the_whole_package():
    found = modules(PACKAGE)
    assert len(found) > 50 and "briefsum.api" in found and "briefsum.engines.neural.engine" in found
    assert sum(len(v) for v in import_graph(found).values()) > 100


def test_the_package_has_no_import_cycle():
    found = cycles(import_graph(modules(PACKAGE)))
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_no_module_imports_a_private_name_from_another():
    found = private_imports(modules(PACKAGE))
    assert not found, "private names imported across modules: " + "; ".join(found)


def test_no_module_is_over_500_lines():
    found = long_modules(modules(PACKAGE))
    assert not found, "modules over 500 lines: " + "; ".join(found)


def test_no_function_is_over_80_lines():
    found = long_functions(modules(PACKAGE))
    assert not found, "functions over 80 lines: " + "; ".join(found)


# The checks themselves, on a small package written for them: each finds what it is for.

@pytest.fixture
def bad_package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "sub" / "__init__.py").write_text("", encoding="utf-8")
    (root / "a.py").write_text("from .b import thing\n", encoding="utf-8")
    (root / "b.py").write_text("def thing():\n    from .sub.c import _hidden\n    return _hidden\n", encoding="utf-8")
    (root / "sub" / "c.py").write_text("from .. import a\n_hidden = 1\n", encoding="utf-8")
    (root / "clean.py").write_text("import json\nfrom .a import thing\n", encoding="utf-8")
    body = "\n".join(f"    x{i} = {i}" for i in range(90))
    (root / "long.py").write_text(f"def long_one():\n{body}\n    return x0\n" + "\n" * 420, encoding="utf-8")
    return root


def test_the_cycle_check_finds_a_cycle_through_a_function_level_import(bad_package):
    found = cycles(import_graph(modules(bad_package)))
    assert found == [["pkg.a", "pkg.b", "pkg.sub.c"]]


def test_the_private_name_check_finds_a_private_import(bad_package):
    assert private_imports(modules(bad_package)) == ["pkg.b:2 imports _hidden from pkg.sub.c"]


def test_the_length_checks_find_a_long_module_and_a_long_function(bad_package):
    assert long_modules(modules(bad_package)) == ["pkg.long: 512 lines"]
    assert long_functions(modules(bad_package)) == ["pkg.long.long_one (line 1): 92 lines"]
    assert long_functions(modules(bad_package), limit=100) == []
