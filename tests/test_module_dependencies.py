"""A module imports only `openimis.core`, `openimis.graphql`, the module machinery and the public surface
of the modules named in its own `requires` (their services, selectors, hooks, rights and the GraphQL
types they export for extension); never another module's models, views or internals."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from openimis.modules import module_configs

SHARED = ("openimis.core", "openimis.graphql", "openimis.modules", "openimis.optional_imports",
          "openimis.environment")
PUBLIC = ("services", "selectors", "hooks", "rights", "gql.types")


def imported_names(source: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every absolute import of `openimis...` in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "openimis":
                found.extend((node.lineno, f"openimis.{alias.name}") for alias in node.names)
            elif node.module.startswith("openimis."):
                names = [f"{node.module}.{alias.name}" for alias in node.names]
                # `from openimis.policy import selectors`: the imported names are modules
                found.extend((node.lineno, name) for name in (names if node.module.count(".") == 1
                                                               else [node.module]))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names
                         if alias.name.startswith("openimis."))
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(package: str, folder: Path, requires: list[str], modules: dict[str, str]) -> list[str]:
    """What the module `package` (its files in `folder`, tests and migrations apart) imports beyond
    what it may; `modules` maps every enabled module's logical name to its package."""
    allowed = [package, *SHARED]
    for name in requires:
        if name in modules and modules[name] not in SHARED:
            allowed.extend(f"{modules[name]}.{public}" for public in PUBLIC)
    found = []
    for path in sorted(folder.rglob("*.py")):
        relative = path.relative_to(folder)
        if relative.parts[0] in ("tests", "migrations"):
            continue
        for line, name in imported_names(path.read_text(encoding="utf-8")):
            if not any(_within(name, prefix) for prefix in allowed):
                found.append(f"{package}/{relative}:{line} imports {name}")
    return found


def _enabled() -> dict[str, str]:
    return {config.module_name: config.name for config in module_configs()}


def test_modules_import_only_what_they_require():
    modules = _enabled()
    found = []
    for config in module_configs():
        found += violations(config.name, Path(config.path), list(config.requires), modules)
    assert found == [], "\n".join(found)


def test_an_import_beyond_the_requirements_is_found(tmp_path):
    folder = tmp_path / "oi_test_importer"
    (folder / "gql").mkdir(parents=True)
    (folder / "services.py").write_text(textwrap.dedent("""
        from openimis.core.errors import ValidationFailed
        from openimis.insuree import selectors as insuree_selectors
        from openimis.insuree.models import Family
        from openimis.policy import services
        import openimis.devtools.generator
    """))
    (folder / "gql" / "types.py").write_text("from openimis.insuree.gql.types import FamilyGQLType\n")
    (folder / "tests").mkdir()
    (folder / "tests" / "test_x.py").write_text("from openimis.policy.models import Policy\n")
    found = violations("oi_test_importer", folder, ["core", "insuree"], _enabled())
    assert found == ["oi_test_importer/services.py:4 imports openimis.insuree.models",
                     "oi_test_importer/services.py:5 imports openimis.policy.services",
                     "oi_test_importer/services.py:6 imports openimis.devtools.generator"]


def _top_level_imports(path: Path) -> set[str]:
    """The `openimis...` modules a file imports when it is loaded (imports inside functions, which run
    later, do not count)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found.update(name for name in names if name.startswith("openimis"))
    return found


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of `graph` ({module: the modules it imports}), each as a path back to its start."""
    visiting, done, cycles = set(), set(), []

    def visit(name, trail):
        if name in done:
            return
        if name in visiting:
            cycles.append(trail[trail.index(name):])
            return
        visiting.add(name)
        for target in sorted(graph.get(name, ())):
            visit(target, trail + [target])
        visiting.discard(name)
        done.add(name)

    for name in sorted(graph):
        visit(name, [name])
    return cycles


def test_no_module_of_the_program_imports_itself_back():
    root = Path(__file__).resolve().parent.parent
    files = {}
    for path in (root / "openimis").rglob("*.py"):
        relative = path.relative_to(root).with_suffix("")
        parts = list(relative.parts[:-1]) if relative.name == "__init__" else list(relative.parts)
        files[".".join(parts)] = path
    graph = {name: {target for target in _top_level_imports(path) if target in files and target != name}
             for name, path in files.items()}
    cycles = find_cycles(graph)
    assert cycles == [], "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_a_cycle_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []
