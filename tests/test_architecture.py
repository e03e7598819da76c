"""The layering of the package, enforced: each layer imports only the layers below it, and no import cycle.

Layers, lowest first (``li2verify/<package>``):

===========  ===================================================================================================
utils        atomic I/O, thread policy, profiles, fits, array helpers — imports no other li2verify package
groups       finite groups, families, the one spec parser, the shipped catalog, irreps, Hypothesis strategies
paper        the paper's objects (activations, task data, F, G_F, energy, stage 1/2/3) — numpy/scipy/sympy only
train        torch: configs, models, optimizers, probes, runs, presets
sweep        grids of training cells on the train engine, results tables, boundary fits (sweep.boundary: no torch)
verify       claims, evidence, status rules, plugin, report — imports only ``utils``
experiments  the instances, runs and decision rules that claim modules share (above ``sweep`` and ``verify``)
top          ``cli``, ``commands``, ``__main__`` — may import anything, lazily
===========  ===================================================================================================

``theorems/`` imports the package; the package never imports ``theorems``, and ``theorems/`` holds claim modules
only: a module there that declares no claim (a package ``__init__``, a shared helper) is at most
:data:`MAX_HELPER_LINES` lines — shared experiment machinery belongs in ``li2verify.experiments``.  Every import
statement counts, including those inside functions (a lazy import is still a dependency).  A second check: every claim id's prefix
(the part before the first dot) is the start of the name of the theorem module that declares it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"utils": 0, "groups": 1, "paper": 2, "train": 3}
ALLOWED = {  # package -> packages it may import (besides itself)
    "utils": set(),
    "groups": {"utils"},
    "paper": {"utils", "groups"},
    "train": {"utils", "groups", "paper"},
    "sweep": {"utils", "groups", "paper", "train"},
    "verify": {"utils"},
    "experiments": {"utils", "groups", "paper", "train", "sweep", "verify"},
    "top": {"utils", "groups", "paper", "train", "sweep", "verify", "experiments", "top"},
}
#: the most lines a module under ``theorems/`` that declares no claim may have
MAX_HELPER_LINES = 100
NO_TORCH = {"utils", "groups", "paper"}
NO_TORCH_MODULES = {"li2verify.sweep.boundary", "li2verify.sweep.spec", "li2verify.sweep.table"}


def _package_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "li2verify":
        return ""
    if len(parts) == 1 or parts[1] in ("cli", "commands", "__main__", "__init__"):
        return "top"
    return parts[1]


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, module: str) -> list[tuple[str, int, tuple[str, ...]]]:
    """``(module, line, names)`` per import statement (``names`` for ``from module import names``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the module's package
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, node.lineno, tuple(a.name for a in node.names)))
            continue
    return [(t[0], t[1], ()) if len(t) == 2 else t for t in out]


def import_graph(root: Path) -> dict[str, list[tuple[str, int]]]:
    """``{module: [(imported module, line), ...]}`` for every module under ``root/li2verify``."""
    graph = {}
    mods = {_module_name(p, root): p for p in (root / "li2verify").rglob("*.py")}
    for mod, path in mods.items():
        deps = []
        for target, line, names in _imports(path, mod):
            if not target.startswith("li2verify"):
                deps.append((target, line))
                continue
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in mods]  # `from pkg import module`
            deps += [(s, line) for s in subs]
            if target in mods and len(subs) < len(names or ("",)):  # names defined in the module itself
                deps.append((target, line))
        graph[mod] = deps
    return graph


def violations(root: Path) -> list[str]:
    """Every import that breaks the layering, every torch import below ``train``, every import of ``theorems``
    from the package, and every import cycle between modules of the package."""
    graph = import_graph(root)
    out = []
    for mod, deps in sorted(graph.items()):
        pkg = _package_of(mod)
        for target, line in deps:
            where = f"{mod} (line {line})"
            if target.split(".")[0] == "theorems":
                out.append(f"{where} imports {target}: the package never imports theorems/")
            if target.split(".")[0] == "torch" and pkg in NO_TORCH:
                out.append(f"{where} imports torch: the {pkg} layer is numpy/scipy/sympy only")
            if target.split(".")[0] == "torch" and mod in NO_TORCH_MODULES:
                out.append(f"{where} imports torch: {mod} is numpy/scipy only")
            tpkg = _package_of(target)
            if tpkg and tpkg != pkg and tpkg not in ALLOWED.get(pkg, set()):
                out.append(f"{where} imports {target}: layer '{pkg}' may import only "
                           f"{sorted(ALLOWED.get(pkg, set())) or 'nothing else of li2verify'}")
    # cycles among li2verify modules
    edges = {m: sorted({t for t, _ in deps if t.startswith("li2verify") and t != m}) for m, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for d in edges.get(node, []):
            if state.get(d) == 1:
                out.append("import cycle: " + " → ".join(stack[stack.index(d):] + [d]))
            elif d not in state:
                visit(d, stack + [d])
        state[node] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    return out


def test_the_package_is_layered_and_acyclic():
    assert violations(ROOT) == []


def test_the_check_fails_on_a_forbidden_import(tmp_path):
    pkg = tmp_path / "li2verify"
    for sub in ("utils", "groups", "paper", "verify"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "utils" / "io.py").write_text("import os\n")
    (pkg / "groups" / "finite.py").write_text("from li2verify.utils import io\n")
    assert violations(tmp_path) == []
    (pkg / "verify" / "claims.py").write_text("def f():\n    from li2verify.groups import finite\n")
    (pkg / "paper" / "energy.py").write_text("import torch\n")
    (pkg / "groups" / "catalog.py").write_text("from li2verify.groups import spec\n")
    (pkg / "groups" / "spec.py").write_text("from li2verify.groups import catalog\n")
    found = violations(tmp_path)
    assert any("li2verify.verify.claims (line 2) imports li2verify.groups.finite" in v for v in found)
    assert any("li2verify.paper.energy (line 1) imports torch" in v for v in found)
    assert any(v.startswith("import cycle: li2verify.groups.catalog → li2verify.groups.spec") for v in found)


def _declares_claims(path: Path) -> bool:
    """Whether a module calls ``claim(...)`` (what registers a claim with ``li2verify.verify.claims``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "claim" for n in ast.walk(tree))


def test_theorems_holds_claim_modules_and_only_short_helpers():
    long = {str(p.relative_to(ROOT)): n for p in sorted((ROOT / "theorems").rglob("*.py"))
            if not _declares_claims(p) and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_HELPER_LINES}
    assert not long, (f"modules under theorems/ that declare no claim and exceed {MAX_HELPER_LINES} lines (move the "
                      f"shared machinery into li2verify/experiments/): {long}")


def _claim_prefixes_by_module() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / "theorems").rglob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "claim" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                out.setdefault(path.stem, set()).add(node.args[0].value.split(".")[0])
    return out


def test_theorem_modules_are_named_for_their_claim_prefixes():
    bad = {mod: sorted(p for p in prefixes if not (mod == p or mod.startswith(p + "_")))
           for mod, prefixes in _claim_prefixes_by_module().items()}
    bad = {m: p for m, p in bad.items() if p}
    assert not bad, f"theorem modules declaring claims whose id prefix is not their name: {bad}"


@pytest.mark.parametrize("module", ["li2verify.cli"])
def test_the_cli_imports_without_torch(module):
    import subprocess
    import sys

    code = f"import sys, {module}; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


# ---------------------------------------------------------------------------------------------------------
# One training step loop: li2verify.train.engine.run_epochs
# ---------------------------------------------------------------------------------------------------------
#: the package's step primitives, each a gradient or a whole training step (``optim.adam_update`` is not one: it
#: updates one tensor, called once per parameter inside a step, as ``BatchedOptimizer.step`` does)
STEP_PRIMITIVES = {"manual_grads", "train_step", "toy_grads"}
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _is_step_call(node: ast.AST) -> bool:
    """``x.step(…)``, ``x.backward(…)``, ``autograd.grad(…)`` or a call of a step primitive."""
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    if isinstance(f, ast.Attribute):
        if f.attr in ("step", "backward") or f.attr in STEP_PRIMITIVES:
            return True
        base = f.value
        return f.attr == "grad" and ((isinstance(base, ast.Name) and base.id == "autograd")
                                     or (isinstance(base, ast.Attribute) and base.attr == "autograd"))
    return isinstance(f, ast.Name) and f.id in STEP_PRIMITIVES


def _loop_body(loop: ast.AST) -> list[ast.AST]:
    """What runs once per iteration: a loop's body (and a while's test, a comprehension's element and conditions)."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return list(loop.body)
    if isinstance(loop, ast.While):
        return [loop.test, *loop.body]
    parts = [loop.key, loop.value] if isinstance(loop, ast.DictComp) else [loop.elt]
    return parts + [c for gen in loop.generators for c in gen.ifs]


def _calls_a_step(nodes: list[ast.AST]) -> bool:
    """Whether any of ``nodes`` (lexically, nested blocks included, nested function definitions not) makes a step
    call."""
    todo = list(nodes)
    while todo:
        node = todo.pop()
        if _is_step_call(node):
            return True
        todo += [c for c in ast.iter_child_nodes(node) if not isinstance(c, _SCOPES)]
    return False


def step_loops(source: str) -> list[int]:
    """Line numbers of the training step loops in ``source``: ``for``/``while`` loops (and comprehensions) whose
    body calls an optimizer update or a gradient (see :func:`_is_step_call`)."""
    return sorted(node.lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, _LOOPS) and _calls_a_step(_loop_body(node)))


def step_loop_modules(root: Path) -> dict[str, list[int]]:
    """``{module: [line, ...]}`` for every module under ``root/li2verify`` and ``root/theorems`` with a step loop."""
    out = {}
    for top in ("li2verify", "theorems"):
        for path in sorted((root / top).rglob("*.py")):
            lines = step_loops(path.read_text(encoding="utf-8"))
            if lines:
                out[_module_name(path, root)] = lines
    return out


def test_the_engine_is_the_only_training_step_loop():
    found = step_loop_modules(ROOT)
    assert "li2verify.train.engine" in found, "the detector no longer sees run_epochs' own loop"
    extra = {m: lines for m, lines in found.items() if m != "li2verify.train.engine"}
    assert not extra, ("training step loops outside li2verify.train.engine (make each a Program driven by "
                       f"run_epochs): {extra}")


def test_the_step_loop_check_sees_a_loop_and_not_a_single_gradient():
    loop = ("import torch\n"
            "def fit(opt, loss_fn):\n"
            "    for _ in range(10):\n"
            "        if True:\n"
            "            loss_fn().backward()\n"
            "        opt.step()\n")
    assert step_loops(loop) == [3]
    assert step_loops("while not done:\n    (g,) = torch.autograd.grad(L, [w])\n") == [1]
    assert step_loops("for s in seeds:\n    train_step(cfg, task, params, opt)\n") == [1]
    assert step_loops("grads = [manual_grads(p, b, cfg, M) for p in chunks]\n") == [1]
    once = ("import torch\n"
            "def gradient(E, w):\n"
            "    (g,) = torch.autograd.grad(E, w)\n"
            "    return g\n"
            "for s in range(3):\n"
            "    print(gradient(s, s))\n"
            "    run = lambda e, u: opt.step()\n")
    assert step_loops(once) == []
