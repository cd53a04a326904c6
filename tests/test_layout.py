"""The layout holds: no import cycle, no private name imported across modules,
the archive and the scan share blocks/ without importing each other, and every
module imports on its own in a fresh interpreter."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGES = {"copytrace": SRC / "copytrace", "synthetic": ROOT / "synthetic"}


def _modules() -> dict[str, Path]:
    out = {}
    for top, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = [top, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path):
    """(imported module, imported names) for every import in the module, lazy ones included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = tuple(a.name for a in node.names)
            # "from . import spool" imports a module
            for n in names:
                if f"{target}.{n}" in MODULES:
                    yield f"{target}.{n}", ()
            yield target, names


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        deps = set()
        for target, _ in _imports(name, path):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):  # a package's own __init__
                deps.add(target)
        graph[name] = deps
    return graph


def test_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


def test_no_private_name_imported_across_modules():
    private = [
        f"{name}: {target}.{n}"
        for name, path in MODULES.items()
        for target, names in _imports(name, path)
        if target.split(".")[0] in PACKAGES
        for n in names
        if n.startswith("_") and not n.startswith("__")
    ]
    assert private == []


def test_archive_and_scan_share_blocks_and_not_each_other():
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("copytrace.index"):
            assert not any(d.startswith("copytrace.corpus") for d in deps), name
        if name.startswith("copytrace.corpus") or name.startswith("copytrace.blocks"):
            assert not any(d.startswith("copytrace.index") for d in deps), name
        if name.startswith("copytrace."):
            assert not any(d.startswith("synthetic") for d in deps), name  # the generator is not installed


def test_every_module_imports_alone():
    names = [n for n in MODULES if not n.endswith("__main__") and n != "copytrace.engines.spark"]
    code = "import importlib, sys\nfor n in sys.argv[1:]:\n    importlib.import_module(n)\n"
    subprocess.run([sys.executable, "-c", code, *names], check=True, cwd=ROOT, timeout=300)
