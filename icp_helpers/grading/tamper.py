"""Find code in a learner's cells that reaches into the test machinery, without running it.

The scan reads the learner's code cells (answer cells and any cell that is not read-only)
as Python syntax trees, after IPython's own input transformation (so ``%magic`` and ``!``
lines are seen as the calls they become). It looks for:

* IPython hooks and transformers (``get_ipython()``, ``IPython``/``ipykernel``, ``In``/``Out``);
* rebinding a name the test cells rely on (a checking function, a module alias, a builtin);
* patching attributes of modules or of the test machinery (``numpy.testing.x = ...``,
  ``setattr``, ``sys.modules``, ``builtins``), and other interpreter back doors (``gc``,
  ``ctypes``, frames, ``exec``/``eval``, ``importlib``, the gradebook's database);
* classes that override comparison or conversion methods (``__eq__`` always true...);
* output forging: replacing ``sys.stdout``/``sys.stderr``/hooks, writing files outside the
  assignment folder or writing notebooks and databases.

Each finding names the learner cell, the reason, and the test cells it can affect (test
cells after it: those that use the name, or all of them for global tampering).

>>> cells = [
...     {"cell_type": "code", "source": "from icp_helpers.check import check_number",
...      "metadata": {"nbgrader": {"grade": False, "solution": False, "locked": True,
...                                "grade_id": "setup"}}},
...     {"cell_type": "code", "source": "def check_number(*a, **k):\\n    pass\\nx = 1",
...      "metadata": {"nbgrader": {"grade": False, "solution": True, "grade_id": "ex1"}}},
...     {"cell_type": "code", "source": "check_number(x, 2, name='x')",
...      "metadata": {"nbgrader": {"grade": True, "solution": False, "locked": True,
...                                "grade_id": "ex1-check", "points": 1}}},
... ]
>>> [(f.cell, f.affects) for f in scan_cells(cells)]
[('ex1', ('ex1-check',))]
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from IPython.core.inputtransformer2 import TransformerManager

_BUILTIN_NAMES = frozenset(dir(builtins))
_INTERPRETER_NAMES = {
    "get_ipython": "uses get_ipython(), which can change how the test cells run",
    "__IPYTHON__": "inspects the IPython session",
    "In": "reads or changes the cell history (In)",
    "Out": "reads or changes the output history (Out)",
    "_ih": "reads or changes the cell history",
    "_oh": "reads or changes the output history",
    "__builtins__": "edits the builtins that the test cells rely on",
    "exec": "runs code built at run time (exec)",
    "eval": "runs code built at run time (eval)",
    "compile": "compiles code at run time",
    "__import__": "imports modules indirectly (__import__)",
    "globals": "edits the notebook's namespace directly (globals())",
    "locals": "edits the notebook's namespace directly (locals())",
    "vars": "edits a namespace directly (vars())",
    "setattr": "changes attributes with setattr",
    "delattr": "deletes attributes with delattr",
    "breakpoint": "starts a debugger",
}
_FORBIDDEN_MODULES = {
    "IPython": "uses IPython internals (hooks, transformers, events)",
    "ipykernel": "uses the kernel's internals",
    "jupyter_client": "talks to Jupyter directly",
    "zmq": "talks to Jupyter's message channels",
    "builtins": "edits the builtins that the test cells rely on",
    "gc": "reaches other objects through the garbage collector",
    "ctypes": "edits the interpreter's memory (ctypes)",
    "importlib": "re-imports or replaces modules (importlib)",
    "imp": "re-imports or replaces modules (imp)",
    "unittest": "uses mocking tools that can replace the checking functions",
    "mock": "uses mocking tools that can replace the checking functions",
    "sqlite3": "opens a database (the gradebook?)",
    "sqlalchemy": "opens a database (the gradebook?)",
    "nbgrader": "uses nbgrader itself",
    "nbformat": "reads or writes notebook files",
    "nbclient": "runs notebooks itself",
    "atexit": "registers code to run at exit",
    "signal": "changes signal handling (the time limits)",
    "faulthandler": "changes fault handling",
    "resource": "changes the memory and time limits",
    "subprocess": "starts other programs",
    "multiprocessing": "starts other processes",
    "threading": "starts background threads that can change things later",
    "_thread": "starts background threads that can change things later",
    "pty": "starts other programs",
    "socket": "opens network connections",
    "marshal": "loads compiled code",
    "pickle": "loads objects that can run code",
    "types": "builds functions or code objects at run time",
    "__main__": "edits the notebook's namespace directly (__main__)",
}
_SYS_ATTRIBUTES = {
    "modules": "edits sys.modules, so imports return something else",
    "settrace": "installs a tracer that can change running code",
    "setprofile": "installs a profiler that can change running code",
    "_getframe": "reaches into running frames",
    "meta_path": "changes how modules are imported",
    "path_hooks": "changes how modules are imported",
    "displayhook": "replaces how results are displayed (output forging)",
    "excepthook": "replaces how errors are reported (output forging)",
    "stdout": "replaces the standard output (output forging)",
    "stderr": "replaces the error output (output forging)",
    "__stdout__": "writes past the captured output (output forging)",
    "__stderr__": "writes past the captured output (output forging)",
    "audit": "uses interpreter audit hooks",
    "addaudithook": "installs interpreter audit hooks",
    "path": "changes where modules are imported from",
}
_OS_ATTRIBUTES = {
    "system": "runs shell commands",
    "popen": "runs shell commands",
    "write": "writes to raw file descriptors (output forging)",
    "dup2": "redirects raw file descriptors (output forging)",
    "fork": "starts other processes",
    "kill": "signals other processes",
    "killpg": "signals other processes",
    "environ": "changes the environment of the grader",
    "chdir": "changes the working folder",
    "read": "reads raw file descriptors (the grader's channel)",
    "open": "opens raw file descriptors",
    "fdopen": "opens raw file descriptors (the grader's channel)",
    "dup": "copies raw file descriptors (output forging)",
    "pipe": "makes raw pipes",
    "setsid": "starts a process that outlives the notebook",
    "execv": "replaces the notebook's process",
    "execve": "replaces the notebook's process",
    "execvp": "replaces the notebook's process",
    "posix_spawn": "starts other programs",
    "spawnv": "starts other programs",
}
_COMPARISON_DUNDERS = frozenset(
    "__eq__ __ne__ __lt__ __le__ __gt__ __ge__ __bool__ __float__ __int__ __index__ "
    "__complex__ __round__ __instancecheck__ __subclasscheck__ __class__ __getattribute__ "
    "__contains__ __hash__ __len__ __abs__ __sub__ __rsub__ __truediv__ __array__ "
    "__array_ufunc__ __array_function__ __init_subclass__ __class_getitem__".split()
)
_SAFE_MAGICS = frozenset({"matplotlib", "time", "timeit"})
_SETTINGS_ATTRIBUTES = frozenset({"rcParams", "options"})
_WRITE_METHODS = frozenset({"write_text", "write_bytes", "unlink", "rename", "replace", "rmdir"})


@dataclass(frozen=True)
class Finding:
    """One piece of tampering: where, why, and which test cells it can affect."""

    cell: str
    line: int
    reason: str
    affects: tuple[str, ...]


def _nbgrader(cell: Mapping[str, Any]) -> Mapping[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _is_trusted(cell: Mapping[str, Any]) -> bool:
    """Read-only and test cells (nbgrader puts their source back from the course)."""
    meta = _nbgrader(cell)
    if meta.get("solution"):
        return False
    return bool(meta.get("grade") or meta.get("locked"))


def _is_test(cell: Mapping[str, Any]) -> bool:
    meta = _nbgrader(cell)
    return bool(cell.get("cell_type") == "code" and meta.get("grade") and not meta.get("solution"))


def _cell_name(cell: Mapping[str, Any], index: int) -> str:
    return _nbgrader(cell).get("grade_id") or cell.get("id") or f"cell {index + 1}"


def python_source(source: str) -> ast.Module | None:
    """A cell's source as Python (after IPython's transformations), or None if it cannot parse."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        pass  # magics, shell escapes and help marks are not Python until IPython turns them
    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node: ast.AST) -> list[str]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute | ast.Subscript):
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return parts[::-1]


def _module_aliases(trees: Iterable[ast.Module]) -> dict[str, str]:
    """Every name bound by an import in the given trees -> the module (or object) it names."""
    aliases = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name if alias.asname else alias.name.split(".")[0]
                    aliases[alias.asname or top] = top
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _trusted_bindings(trees: Iterable[ast.Module]) -> set[str]:
    names = set()
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


def _module_level_bindings(tree: ast.Module) -> list[tuple[str, int, ast.AST]]:
    """Names a learner cell binds in the notebook's namespace, with line and node."""
    found: list[tuple[str, int, ast.AST]] = []

    def targets(node: ast.AST) -> Iterable[ast.Name]:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store | ast.Del):
                yield sub

    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.extend((name, node.lineno, node) for name in node.names)
    for statement in tree.body:
        for node in _walk_module_scope(statement):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found.append((node.name, node.lineno, node))
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    found.append((name, node.lineno, node))
            elif isinstance(node, ast.Assign | ast.Delete):
                for target in node.targets:
                    found.extend((n.id, node.lineno, node) for n in targets(target))
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                found.extend((n.id, node.lineno, node) for n in targets(node.target))
            elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                found.extend((n.id, node.target.lineno, node) for n in targets(node.target))
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                found.extend(
                    (n.id, node.optional_vars.lineno, node) for n in targets(node.optional_vars)
                )
            elif isinstance(node, ast.NamedExpr):
                found.append((node.target.id, node.lineno, node))
            elif isinstance(node, ast.ExceptHandler) and node.name:
                found.append((node.name, node.lineno, node))
            elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
                found.append((node.name, node.lineno, node))
            elif isinstance(node, ast.MatchMapping) and node.rest:
                found.append((node.rest, node.lineno, node))
    return found


def _walk_module_scope(node: ast.AST) -> Iterable[ast.AST]:
    """Walk a statement without entering function bodies or class bodies."""
    yield node
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk_module_scope(child)


def _names_used(tree: ast.Module) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _same_import(node: ast.AST, name: str, aliases: Mapping[str, str]) -> bool:
    """Re-importing the same module or function under the same name changes nothing."""
    mine = _module_aliases([ast.Module(body=[node], type_ignores=[])])  # type: ignore[list-item]
    return name in aliases and mine.get(name) == aliases[name]


def _write_target_is_risky(call: ast.Call) -> bool:
    """``open(path, mode)`` writing somewhere other than a plain file in the assignment folder."""
    mode = call.args[1] if len(call.args) > 1 else None
    for keyword in call.keywords:
        if keyword.arg == "mode":
            mode = keyword.value
    if mode is None:
        return False
    if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)):
        return True
    if not set(mode.value) & set("wax+"):
        return False
    path = call.args[0] if call.args else None
    if not (isinstance(path, ast.Constant) and isinstance(path.value, str)):
        return True
    text = path.value
    return "/" in text or "\\" in text or ".." in text or text.endswith((".ipynb", ".db", ".jsonl"))


def _expression_findings(tree: ast.Module, aliases: Mapping[str, str]) -> list[tuple[int, str]]:
    """Back doors and patches anywhere in a learner cell: (line, reason)."""
    found: list[tuple[int, str]] = []
    modules = {name for name, target in aliases.items() if "." not in target or name == target}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 1)
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top in _FORBIDDEN_MODULES:
                    found.append((line, f"imports {name}: {_FORBIDDEN_MODULES[top]}"))
                if top == "inspect" or name.startswith("os") and isinstance(node, ast.ImportFrom):
                    for alias in node.names:
                        if alias.name in _OS_ATTRIBUTES or alias.name in {"currentframe", "stack"}:
                            found.append((line, f"imports {alias.name} from {name}"))
        elif isinstance(node, ast.Name) and node.id in _INTERPRETER_NAMES:
            if not (node.id == "get_ipython" and _is_safe_magic(tree, node)):
                found.append((line, _INTERPRETER_NAMES[node.id]))
        elif isinstance(node, ast.Attribute):
            root = _root_name(node)
            target = aliases.get(root or "", root)
            if target == "sys" and node.attr in _SYS_ATTRIBUTES:
                found.append((line, _SYS_ATTRIBUTES[node.attr]))
            elif target == "os" and node.attr in _OS_ATTRIBUTES and node.attr != "_exit":
                found.append((line, f"uses os.{node.attr}: {_OS_ATTRIBUTES[node.attr]}"))
            elif target == "inspect" and node.attr in {"currentframe", "stack", "getouterframes"}:
                found.append((line, "reaches into running frames (inspect)"))
            elif node.attr in {"__dict__", "__code__", "__globals__", "__closure__", "f_globals"}:
                found.append((line, f"reaches into {node.attr}, which can change other code"))
            elif node.attr in {"__subclasses__", "__bases__", "__mro__"}:
                found.append((line, f"walks the class hierarchy ({node.attr})"))
            elif node.attr in {"__setattr__", "__delattr__", "__setitem__", "__delitem__"}:
                found.append((line, f"changes objects through {node.attr}"))
            if isinstance(node.ctx, ast.Store | ast.Del):
                found.extend(_attribute_store(node, modules, aliases))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
            parts = _dotted(node)
            if parts and parts[0] in modules and not set(parts) & _SETTINGS_ATTRIBUTES:
                found.append((line, f"changes {'.'.join(parts)}[...] inside a module"))
        elif isinstance(node, ast.ClassDef):
            for item in ast.walk(node):
                dunder = getattr(item, "name", None) or _assigned_dunder(item)
                if dunder in _COMPARISON_DUNDERS:
                    found.append(
                        (
                            getattr(item, "lineno", line),
                            f"class {node.name} overrides {dunder}, so its objects can "
                            "claim to equal (or be) anything",
                        )
                    )
        elif isinstance(node, ast.Call):
            found.extend(_call_findings(node, aliases))
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant) and key.value in _COMPARISON_DUNDERS:
                    found.append((line, f"builds a class with {key.value} at run time"))
    return found


def _assigned_dunder(node: ast.AST) -> str | None:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in _COMPARISON_DUNDERS:
                return target.id
    return None


def _attribute_store(
    node: ast.Attribute, modules: set[str], aliases: Mapping[str, str]
) -> list[tuple[int, str]]:
    parts = _dotted(node)
    dotted = ".".join(parts)
    if node.attr.startswith("__") and node.attr.endswith("__"):
        return [(node.lineno, f"sets {dotted}, a special method or attribute")]
    if parts and parts[0] in aliases and not set(parts) & _SETTINGS_ATTRIBUTES:
        return [(node.lineno, f"replaces {dotted}, part of an imported module or function")]
    return []


def _call_findings(node: ast.Call, aliases: Mapping[str, str]) -> list[tuple[int, str]]:
    found = []
    func = node.func
    name = func.id if isinstance(func, ast.Name) else None
    if name == "type" and len(node.args) == 3:
        found.append((node.lineno, "builds a class at run time with type(name, bases, dict)"))
    if name == "open" and _write_target_is_risky(node):
        found.append((node.lineno, "writes a file outside the assignment folder, or a notebook"))
    if name == "open" and node.args and _is_system_file(node.args[0]):
        found.append((node.lineno, "opens a raw file descriptor or a system file (/proc, /dev)"))
    if name == "getattr" and len(node.args) > 1 and not isinstance(node.args[1], ast.Constant):
        found.append((node.lineno, "reads attributes whose names are built at run time"))
    if isinstance(func, ast.Attribute) and func.attr in _WRITE_METHODS and node.args[:0] == []:
        root = _root_name(func)
        if root and aliases.get(root, "").startswith(("pathlib", "os", "shutil")):
            found.append((node.lineno, f"changes files with {func.attr}"))
    if isinstance(func, ast.Attribute) and aliases.get(_root_name(func) or "", "") == "shutil":
        found.append((node.lineno, "changes files with shutil"))
    return found


def _is_system_file(argument: ast.expr) -> bool:
    """``open(3)``, ``open("/proc/self/fd/3")``, ``open(f"/dev/...")``."""
    if isinstance(argument, ast.Constant):
        value = argument.value
        return isinstance(value, int) or str(value).startswith(("/proc", "/dev", "/sys"))
    if isinstance(argument, ast.JoinedStr) and argument.values:
        first = argument.values[0]
        return isinstance(first, ast.Constant) and str(first.value).startswith(("/proc", "/dev"))
    return False


def _magic_code(tree: ast.Module) -> list[ast.stmt]:
    """The code that ``%time``/``%timeit`` lines and cells run, parsed (the scan reads it too)."""
    statements: list[ast.stmt] = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("run_line_magic", "run_cell_magic")
            and len(node.args) >= 2
        ):
            continue
        values = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
        if len(values) == len(node.args) and values[0] in ("time", "timeit"):
            code = "\n".join(str(value) for value in values[1:])
            parsed = python_source(code)
            if parsed is not None:
                statements.extend(parsed.body)
    return statements


def _is_safe_magic(tree: ast.Module, name_node: ast.Name) -> bool:
    """``get_ipython().run_line_magic('matplotlib', ...)`` from a ``%matplotlib`` line is fine."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run_line_magic"
            and isinstance(node.func.value, ast.Call)
            and node.func.value.func is name_node
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            return node.args[0].value in _SAFE_MAGICS
    return False


def scan_cells(cells: list[Mapping[str, Any]]) -> list[Finding]:
    """Scan a sanitised notebook's cells; return every finding that affects a test cell."""
    trees: dict[int, ast.Module] = {}
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "code":
            tree = python_source(str(cell.get("source", "")))
            if tree is not None:
                tree.body.extend(_magic_code(tree))
                trees[index] = tree
    trusted = [trees[i] for i in trees if _is_trusted(cells[i])]
    learner = [i for i in trees if not _is_trusted(cells[i])]
    aliases = _module_aliases(trusted)
    all_aliases = {**_module_aliases(trees[i] for i in learner), **aliases}
    protected = set(aliases) | _trusted_bindings(trusted)
    tests = [
        (i, _cell_name(cells[i], i), _names_used(trees[i])) for i in trees if _is_test(cells[i])
    ]
    findings = []
    for index in learner:
        later = [(name, used) for i, name, used in tests if i > index]
        if not later:
            continue
        name = _cell_name(cells[index], index)
        everything = tuple(test for test, _ in later)
        for line, reason in _expression_findings(trees[index], all_aliases):
            findings.append(Finding(name, line, reason, everything))
        for bound, line, node in _module_level_bindings(trees[index]):
            is_protected = bound in protected or bound in _BUILTIN_NAMES
            if not is_protected or _same_import(node, bound, aliases):
                continue
            affected = tuple(test for test, used in later if bound in used)
            if affected:
                what = "a builtin" if bound not in protected else "part of the test machinery"
                findings.append(
                    Finding(name, line, f"rebinds `{bound}`, {what} the test cells use", affected)
                )
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, unique = set(), []
    for finding in findings:
        key = (finding.cell, finding.reason)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
