"""Sweep specs: a grid of training cells (groups × training fraction p or n × seeds × lr × η × K × epochs).

A spec is a flat TOML (or YAML) table; every grid key takes one value or a list, and the grid is their product::

    name = "fast"
    threshold = 0.9          # success = best test accuracy ≥ threshold (written before the run)
    eval_every = 10          # test accuracy every k epochs (and the last)
    groups = ["Z5", "Z7", "Z11"]
    p = [0.2, 0.3, 0.5]      # training fraction n/M² (Fig 5's y axis) — or n = [...] — or critical_ratio = [...]
    seeds = 3                # N (seeds 0..N−1) or a list [0, 3, 5]
    lr = 1e-3
    wd = 2e-4                # the paper's η
    K = 256
    epochs = 600
    activation = "square"    # σ = x² (the paper's); any name of li2verify.paper.activations
    loss = "mse"             # centred MSE (1/n)‖P1⊥(Y − Ŷ)‖² (Eqn 1 with the code's scale)
    optimizer = "adam"       # adam (L2 decay, the paper's code), adamw, sgd, muon
    dtype = "float32"

``critical_ratio = c`` is the paper code's split rule n = round(c · M log M) (Thm 4's n ∝ M log M), so one grid of
c values follows the predicted boundary across M.  ``key=value`` overrides (the command line's) replace a key; the
value is read as TOML (``p=[0.2,0.4]``, ``epochs=300``, ``groups=["Z5"]``) or, failing that, as a comma list
(``groups=Z5,Z7``, ``p=0.2,0.4``).

A cell is one training run of ``li2verify train`` with one seed: its seed s gives the same split and init as
``li2verify train --seeds s`` at the same configuration (:meth:`Cell.train_config`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from li2verify.groups.spec import GroupSpecError, spec_order

PACKAGED = ("fast", "fast-composite", "thorough", "paper", "caption-prime", "caption-composite", "caption-nonabelian",
            "caption-products")
#: The packaged specs whose cells make up each run profile's trained grid (the grid that the scaling-law claims of
#: Figs 5 and 8 and Thm 4 read, ``li2verify.experiments.sweeps``): one spec per p grid, trained together.
PROFILE_SPECS = {"fast": ("fast", "fast-composite"), "thorough": ("thorough",), "paper": ("paper",)}
ALIASES = {"activation": {"x2": "square", "x^2": "square"}, "loss": {"centered_mse": "mse", "centred_mse": "mse"}}
GRID_KEYS = ("groups", "p", "n", "critical_ratio", "seeds", "lr", "wd", "K", "epochs")
SCALAR_KEYS = ("name", "threshold", "eval_every", "activation", "loss", "optimizer", "dtype", "batch_cells",
               "description", "protocol", "fit_threshold", "stop_on_success", "search", "resolution", "horizon_check",
               "horizon_checks")
SEARCHES = ("grid", "adaptive")
SIZE_KEYS = ("p", "n", "critical_ratio")
#: at most this many cells in one spec (the grid's product is counted before any cell is built)
MAX_CELLS = 1_000_000
#: ``seeds = N`` at most this many (as ``li2verify train --seeds``)
MAX_SEEDS = 100_000
#: a spec file larger than this is not a spec (``/dev/zero``, a data file given by mistake)
MAX_SPEC_BYTES = 1 << 20
#: a sweep name is one path component: it names the directory ``sweeps/<name>``
NAME_RE = re.compile(r"[A-Za-z0-9]([A-Za-z0-9 _.+-]{0,98}[A-Za-z0-9_.+-])?")


class SpecError(ValueError):
    """A sweep spec or override that cannot be used (the message names the key and why)."""


def canonical_group(spec) -> str:
    """The one spelling of a group spec that cells are keyed by: ``5``, ``z5`` and ``Z5`` are ``Z5``; ``Z4xZ7``
    is ``4x7``; ``8:3`` is ``SmallGroup(8,3)``; ``d8``/``dic3`` are ``D8``/``Dic3``; a catalog name is kept
    (stripped).  Raises :class:`SpecError` for a spec that names no group (:func:`li2verify.groups.spec.parse_spec`,
    the one parser)."""
    if isinstance(spec, bool) or not isinstance(spec, (str, int)):
        raise SpecError(f"groups: {spec!r} is not a group spec")
    try:
        spec_order(spec)
    except GroupSpecError as e:
        raise SpecError(f"groups: {e}") from None
    s = str(spec).strip()
    compact = s.replace(" ", "")
    if m := re.fullmatch(r"[Zz]?\+?(\d+)", compact):
        return f"Z{int(m.group(1))}"
    if re.fullmatch(r"[Zz]?\d+([xX][Zz]?\d+)+", compact):
        return "x".join(str(int(x.lstrip("Zz"))) for x in compact.lower().split("x"))
    if m := re.fullmatch(r"(?:SmallGroup\()?(\d+)[,:](\d+)\)?", compact, flags=re.IGNORECASE):
        return f"SmallGroup({int(m.group(1))},{int(m.group(2))})"
    if m := re.fullmatch(r"(D|S|A|Q|Dic)\+?(\d+)", compact, flags=re.IGNORECASE):
        return {"d": "D", "s": "S", "a": "A", "q": "Q", "dic": "Dic"}[m.group(1).lower()] + str(int(m.group(2)))
    return s


def _no_repeats(key: str, values: list) -> list:
    seen = set()
    for v in values:
        if v in seen:
            raise SpecError(f"{key}: {v!r} appears twice in {values!r} (each value is one line of the grid)")
        seen.add(v)
    return values


@dataclass(frozen=True)
class Cell:
    """One training run: a group, a training set size (p = n/M², or n), a seed and the optimizer settings."""

    group: str
    p: float | None
    n: int | None
    seed: int
    lr: float
    wd: float
    K: int
    epochs: int
    activation: str = "square"
    loss: str = "mse"
    optimizer: str = "adam"
    dtype: str = "float32"
    protocol: str = "text"   # li2verify.train.protocols ("text": Eqn 1 as printed; "code": the paper's script)

    @property
    def cell_id(self) -> str:
        """A stable 12-hex-digit hash of every field (what makes a cell the same cell across resumes); the protocol
        enters only when it is not ``"text"``, so cells written before protocols existed keep their ids."""
        d = dataclasses.asdict(self)
        if d["protocol"] == "text":
            d.pop("protocol")
        blob = json.dumps({k: (repr(float(v)) if isinstance(v, float) else v) for k, v in sorted(d.items())})
        return hashlib.sha1(blob.encode()).hexdigest()[:12]

    @property
    def M(self) -> int:
        return spec_order(self.group)

    @property
    def n_train(self) -> int:
        """n from p or n exactly as the training engine computes it (:func:`li2verify.train.data.train_size`)."""
        from li2verify.train.data import train_size

        return train_size(self.M, n=self.n, train_frac=self.p, protocol=self.protocol)

    @property
    def program_key(self) -> tuple:
        """Cells with the same key train in one tensor program (per-cell split, init, η and optimizer state)."""
        return (self.group, self.K, self.dtype, self.activation, self.loss, self.optimizer, self.epochs, self.lr,
                self.protocol)

    def train_config(self, **kw):
        """The :class:`li2verify.train.config.TrainConfig` of ``li2verify train`` that trains this cell alone."""
        from li2verify.train.config import TrainConfig

        base = dict(group=self.group, train_frac=self.p if self.n is None else None, n=self.n, hidden=self.K,
                    activation=self.activation, loss=self.loss, optimizer=self.optimizer, lr=self.lr, wd=self.wd,
                    epochs=self.epochs, seeds=[self.seed], dtype=self.dtype, probes=[], protocol=self.protocol)
        base.update(kw)
        return TrainConfig(**base).validate()


def plan_programs(cells, batch_cells: int | None = None) -> list[list[Cell]]:
    """The tensor programs that train these cells: cells grouped by :attr:`Cell.program_key` (first-seen
    order), sorted by (n, seed, η) inside a program, split into programs of at most ``batch_cells`` cells (the
    unit of resume and of a Ray task)."""
    groups: dict[tuple, list[Cell]] = {}
    for c in cells:
        groups.setdefault(c.program_key, []).append(c)
    out = []
    for key in groups:
        cs = sorted(groups[key], key=lambda c: (c.n_train, c.seed, c.wd))
        step = batch_cells or len(cs)
        out += [cs[i:i + step] for i in range(0, len(cs), step)]
    return out


def _as_list(key: str, v) -> list:
    if isinstance(v, (list, tuple)):
        if not v:
            raise SpecError(f"{key}: empty list")
        return list(v)
    return [v]


def _num(key: str, v, *, integer=False, positive=True, zero_ok=False) -> float | int:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SpecError(f"{key}: {v!r} is not a number")
    if isinstance(v, int) and abs(v) > 2 ** 62:
        raise SpecError(f"{key}: {v} is out of range")
    if not math.isfinite(v):
        raise SpecError(f"{key}: {v!r} is not finite")
    if integer and isinstance(v, float) and key == "seeds":
        raise SpecError(f"{key}: {v!r} is not an integer (write it without a decimal point)")
    if integer and (not float(v).is_integer()):
        raise SpecError(f"{key}: {v!r} is not an integer")
    if positive and (v < 0 or (v == 0 and not zero_ok)):
        raise SpecError(f"{key}: must be {'≥' if zero_ok else '>'} 0, got {v!r}")
    return int(v) if integer else float(v)


@dataclass
class SweepSpec:
    """A sweep: the grid, the success threshold and the evaluation cadence.  :meth:`cells` is the grid's product."""

    name: str = "sweep"
    groups: list[str] = field(default_factory=lambda: ["Z5"])
    p: list[float] | None = None
    n: list[int] | None = None
    critical_ratio: list[float] | None = None
    seeds: list[int] = field(default_factory=lambda: [0])
    lr: list[float] = field(default_factory=lambda: [1e-3])
    wd: list[float] = field(default_factory=lambda: [2e-4])
    K: list[int] = field(default_factory=lambda: [256])
    epochs: list[int] = field(default_factory=lambda: [600])
    activation: str = "square"
    loss: str = "mse"
    optimizer: str = "adam"
    dtype: str = "float32"
    protocol: str = "text"
    threshold: float = 0.9
    eval_every: int = 10
    batch_cells: int = 64   # at most this many cells per tensor program (also the unit of resume and of Ray tasks)
    description: str = ""
    #: a cell that did not generalize and whose final training accuracy is below this did not fit its training
    #: set: status "unfit", neither memorization nor generalization, left out of the boundary fit (written
    #: before the run, like ``threshold``)
    fit_threshold: float = 0.99
    #: stop a tensor program at the first evaluation at which all its cells have succeeded (success is then
    #: certain); a cell's outcome (success, epoch of success) is the same, its final metrics are those of the stop
    stop_on_success: bool = False
    #: "grid": train every cell of the grid; "adaptive": per (group, seed), bisect the training set size n from
    #: the grid's sizes until n_hi/n_lo ≤ ``resolution``, then (``horizon_check``) repeat at twice the epochs
    #: (li2verify.sweep.adaptive)
    search: str = "grid"
    resolution: float = 1.15
    horizon_check: bool = True
    #: how many times the horizon check doubles the epochs, each from the brackets of the horizon before it
    #: (1: E then 2E; 2: E, 2E, 4E); a claim decides on the last two horizons
    horizon_checks: int = 1

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SweepSpec":
        """A validated spec from a flat dict (a parsed TOML table); raises :class:`SpecError` naming the key."""
        if not isinstance(d, dict):
            raise SpecError("a spec is a table of keys (name, groups, p, seeds, ...)")
        unknown = sorted(str(k)[:40] for k in set(d) - set(GRID_KEYS) - set(SCALAR_KEYS))
        if unknown:
            raise SpecError(f"unknown key(s) {unknown}; known: {', '.join(GRID_KEYS + SCALAR_KEYS)}")
        kw: dict[str, Any] = {}
        for k in ("name", "description", "activation", "loss", "optimizer", "dtype", "protocol"):
            if k in d:
                if not isinstance(d[k], str):
                    raise SpecError(f"{k}: {d[k]!r} is not a string")
                kw[k] = ALIASES.get(k, {}).get(d[k], d[k])
        if "name" in kw and not NAME_RE.fullmatch(kw["name"]):
            raise SpecError(f"name: {kw['name'][:60]!r} must be one path component of letters, digits, spaces and _ . + - "
                            "(it names the directory sweeps/<name>), at most 100 characters")
        if len(kw.get("description", "")) > 2000:
            raise SpecError("description: longer than 2000 characters")
        for k in ("threshold", "fit_threshold"):
            if k in d:
                t = _num(k, d[k])
                if not 0 < t <= 1:
                    raise SpecError(f"{k}: an accuracy in (0, 1], got {t}")
                kw[k] = t
        for k in ("eval_every", "batch_cells"):
            if k in d:
                kw[k] = _num(k, d[k], integer=True)
        for k in ("stop_on_success", "horizon_check"):
            if k in d:
                if not isinstance(d[k], bool):
                    raise SpecError(f"{k}: {d[k]!r} is not true or false")
                kw[k] = d[k]
        if "horizon_checks" in d:
            h = _num("horizon_checks", d["horizon_checks"], integer=True)
            if not 1 <= h <= 4:
                raise SpecError(f"horizon_checks: how many times the horizon check doubles the epochs, 1..4, got {h}")
            kw["horizon_checks"] = h
        if "search" in d:
            if d["search"] not in SEARCHES:
                raise SpecError(f"search: {d['search']!r} is not one of {', '.join(SEARCHES)}")
            kw["search"] = d["search"]
        if "resolution" in d:
            r = _num("resolution", d["resolution"])
            if not 1 < r <= 4:
                raise SpecError(f"resolution: the ratio n_hi/n_lo at which bisection stops, in (1, 4], got {r}")
            kw["resolution"] = r
        if "groups" in d:
            kw["groups"] = _no_repeats("groups (after canonical spelling)",
                                       [canonical_group(g) for g in _as_list("groups", d["groups"])])
        given = [k for k in SIZE_KEYS if d.get(k) is not None]
        if len(given) > 1:
            raise SpecError(f"{' and '.join(given)} {'both' if len(given) == 2 else 'all'} set the training set size; "
                            "give only one")
        if "p" in d and d["p"] is not None:
            kw["p"] = _no_repeats("p", [_num("p", v) for v in _as_list("p", d["p"])])
            bad = [v for v in kw["p"] if not 0 < v < 1]
            if bad:
                raise SpecError(f"p: training fractions must lie in (0, 1), got {bad}")
        if "n" in d and d["n"] is not None:
            kw["n"] = _no_repeats("n", [_num("n", v, integer=True) for v in _as_list("n", d["n"])])
        if "critical_ratio" in d and d["critical_ratio"] is not None:
            kw["critical_ratio"] = _no_repeats("critical_ratio", [_num("critical_ratio", v) for v in
                                                                  _as_list("critical_ratio", d["critical_ratio"])])
        if "seeds" in d:
            s = d["seeds"]
            if isinstance(s, int) and not isinstance(s, bool):
                if not 1 <= s <= MAX_SEEDS:
                    raise SpecError(f"seeds: N must lie in 1..{MAX_SEEDS} (seeds 0..N−1), got {s}")
                kw["seeds"] = list(range(s))
            elif isinstance(s, (list, tuple)):
                kw["seeds"] = _no_repeats("seeds", [_num("seeds", v, integer=True, zero_ok=True) for v in
                                                    _as_list("seeds", s)])
            else:
                raise SpecError(f"seeds: {s!r} is neither a number of seeds N (an integer: seeds 0..N−1) nor a list "
                                "of seeds [0, 3, 5]")
        for k in ("lr",):
            if k in d:
                kw[k] = _no_repeats(k, [_num(k, v) for v in _as_list(k, d[k])])
        if "wd" in d:
            kw["wd"] = _no_repeats("wd", [_num("wd", v, zero_ok=True) for v in _as_list("wd", d["wd"])])
        for k in ("K", "epochs"):
            if k in d:
                kw[k] = _no_repeats(k, [_num(k, v, integer=True, zero_ok=(k == "epochs"))
                                        for v in _as_list(k, d[k])])
        for k in ("K", "epochs", "n", "seeds", "eval_every", "batch_cells"):
            v = kw.get(k)
            for x in (v if isinstance(v, list) else [v] if v is not None else []):
                if x > 2 ** 62:
                    raise SpecError(f"{k}: {x} is out of range")
        count = 1
        for k in ("groups", "seeds", "lr", "wd", "K", "epochs"):
            count *= len(kw.get(k, [0]))
        count *= len(next((kw[k] for k in SIZE_KEYS if kw.get(k)), [0]))
        if count > MAX_CELLS:
            raise SpecError(f"the grid has {count} cells, more than {MAX_CELLS}; split it into several sweeps")
        spec = cls(**kw)
        spec.validate()
        return spec

    def validate(self) -> "SweepSpec":
        from li2verify.paper.activations import ACTIVATIONS
        from li2verify.train.config import LOSSES, OPTIMIZERS, PROTOCOLS

        if self.p is None and self.n is None and self.critical_ratio is None:
            raise SpecError("give the training set size: p = [...] (fractions n/M²), n = [...] or critical_ratio = [...]")
        if self.activation not in ACTIVATIONS:
            raise SpecError(f"activation: unknown {self.activation!r}; known: {', '.join(sorted(ACTIVATIONS))}")
        if self.loss not in LOSSES:
            raise SpecError(f"loss: {self.loss!r} is not one of {LOSSES}")
        if self.optimizer not in OPTIMIZERS:
            raise SpecError(f"optimizer: {self.optimizer!r} is not one of {OPTIMIZERS}")
        if self.protocol not in PROTOCOLS:
            raise SpecError(f"protocol: {self.protocol!r} is not one of {PROTOCOLS}")
        if self.dtype not in ("float32", "float64"):
            raise SpecError(f"dtype: must be float32 or float64, got {self.dtype!r}")
        if self.search == "adaptive":
            many = [k for k in ("lr", "wd", "K", "epochs") if len(getattr(self, k)) != 1]
            if many:
                raise SpecError(f"search = \"adaptive\" bisects n for one setting: give one value of "
                                f"{', '.join(many)} (one spec per setting)")
        for g in self.groups:
            try:
                M = spec_order(g)
            except GroupSpecError as e:
                raise SpecError(f"groups: {e}") from None
            if M < 2:
                raise SpecError(f"groups: {g!r} has order {M}; a training and a test set need order ≥ 2")
        self.cells()  # every cell's training set size is checked against its group
        return self

    # ------------------------------------------------------------------ the grid
    def sizes(self, group: str) -> list[tuple[float | None, int | None]]:
        """The (p, n) pairs of the grid for ``group`` (n from critical_ratio is n = round(c·M log M))."""
        if self.p is not None:
            return [(p, None) for p in self.p]
        if self.n is not None:
            return [(None, n) for n in self.n]
        from li2verify.train.data import critical_n

        M = spec_order(group)
        if self.protocol == "text":
            return [(None, critical_n(M, c)) for c in self.critical_ratio]
        from li2verify.train.data import train_size

        return [(None, train_size(M, critical_ratio=c, protocol=self.protocol)) for c in self.critical_ratio]

    def cells(self) -> list["Cell"]:
        """Every cell of the grid (groups × sizes × lr × η × K × epochs × seeds), in a fixed order."""
        out = []
        for g in self.groups:
            M = spec_order(g)
            for (p, n), lr, wd, K, E, s in itertools.product(self.sizes(g), self.lr, self.wd, self.K, self.epochs,
                                                             self.seeds):
                c = Cell(g, p, n, int(s), float(lr), float(wd), int(K), int(E), self.activation, self.loss,
                         self.optimizer, self.dtype, self.protocol)
                try:
                    _ = c.n_train
                except ValueError as e:
                    raise SpecError(f"group {g} (M = {M}): {e}") from None
                out.append(c)
        return out

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        return {k: v for k, v in d.items() if v is not None}

    def to_toml(self) -> str:
        """The resolved spec as TOML (what ``spec.resolved.toml`` holds; :func:`load_spec` reads it back)."""
        lines = []
        for k, v in self.to_dict().items():
            lines.append(f"{k} = {_toml_value(v)}")
        return "\n".join(lines) + "\n"


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise SpecError(f"cannot write {v!r} as TOML")


def parse_override(item: str) -> tuple[str, Any]:
    """``key=value`` → (key, value): the value read as TOML, else as a comma list of numbers/strings."""
    shown = item if len(item) <= 80 else item[:77] + "..."
    if "=" not in item:
        raise SpecError(f"override {shown!r}: expected key=value (e.g. epochs=300, p=0.2,0.4, groups=Z5,Z7)")
    key, raw = (s.strip() for s in item.split("=", 1))
    if key not in GRID_KEYS + SCALAR_KEYS:
        raise SpecError(f"override {shown!r}: unknown key {key[:40]!r}; known: {', '.join(GRID_KEYS + SCALAR_KEYS)}")
    if not raw:
        raise SpecError(f"override {shown!r}: empty value")
    if len(raw) > 100_000:
        raise SpecError(f"override {key}=...: a value of {len(raw)} characters; write a spec file instead")
    try:
        return key, tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        pass

    def one(x: str):
        x = x.strip()
        try:
            return tomllib.loads(f"v = {x}")["v"]
        except tomllib.TOMLDecodeError:
            return x

    vals = [one(x) for x in raw.split(",")]
    return key, vals if len(vals) > 1 or key in ("groups",) else vals[0]


def _read_file(path: Path) -> dict:
    try:
        if not path.is_file():
            raise SpecError(f"spec {str(path)!r}: not a regular file (a TOML or YAML spec file)")
        with open(path, "rb") as f:
            raw = f.read(MAX_SPEC_BYTES + 1)
    except OSError as e:
        raise SpecError(f"cannot read spec {str(path)!r}: {e.strerror or e}") from None
    if len(raw) > MAX_SPEC_BYTES:
        raise SpecError(f"spec {str(path)!r}: larger than {MAX_SPEC_BYTES >> 20} MB, not a spec file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise SpecError(f"spec {str(path)!r}: not UTF-8 text (byte {e.start}); a spec is a TOML or YAML file") from None
    if "\x00" in text:
        raise SpecError(f"spec {str(path)!r}: holds NUL bytes; a spec is a TOML or YAML text file")
    if path.suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise SpecError(f"{path}: YAML specs need PyYAML (pip install pyyaml); or write the spec as TOML") from None
        try:
            d = yaml.safe_load(text)
        except (yaml.YAMLError, RecursionError) as e:
            raise SpecError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    else:
        try:
            d = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as e:
            raise SpecError(f"{path}: not valid TOML ({str(e).splitlines()[0] if str(e) else 'nested too deep'})") \
                from None
    if not isinstance(d, dict):
        raise SpecError(f"{path}: a spec is a table of keys")
    return d


def packaged_spec_path(name: str) -> Path:
    return Path(str(resources.files("li2verify.sweep") / "specs" / f"{name}.toml"))


def load_spec(path_or_name: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> SweepSpec:
    """A spec by packaged name (:data:`PACKAGED`) or path (TOML, or YAML by suffix), with
    ``key=value`` overrides applied in order.  Raises :class:`SpecError` with a one-line message."""
    s = str(path_or_name)
    if s in PACKAGED:
        d = _read_file(packaged_spec_path(s))
    else:
        shown = s if len(s) <= 80 else s[:77] + "..."
        p = Path(s)
        try:
            exists = p.exists()
        except (OSError, ValueError) as e:  # a name too long for the file system, a NUL byte
            raise SpecError(f"spec {shown!r}: not a usable path ({getattr(e, 'strerror', None) or e})") from None
        if not exists:
            raise SpecError(f"spec {shown!r}: no such file, and not a packaged spec ({', '.join(PACKAGED)})")
        d = _read_file(p)
    sizes = []
    parsed = [parse_override(item) for item in overrides]
    for k, v in parsed:
        if k in SIZE_KEYS:
            sizes.append(k)
            if len(set(sizes)) > 1:
                raise SpecError(f"overrides {' and '.join(dict.fromkeys(sizes))} both set the training set size; "
                                "give only one")
            for other in SIZE_KEYS:
                d.pop(other, None)
        d[k] = v
    if parsed and "description" not in {k for k, _ in parsed}:
        note = "overrides: " + " ".join(f"{k}={_toml_value(v) if not isinstance(v, str) else v}" for k, v in parsed)
        desc = str(d.get("description", "")).strip() if isinstance(d.get("description", ""), str) else ""
        d["description"] = (f"{desc} ({note})" if desc else note)[:2000]
    return SweepSpec.from_dict(d)
