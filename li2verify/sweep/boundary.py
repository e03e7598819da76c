"""The generalization boundary p_c(M) of a sweep and fits of n_c = p_c·M² ∝ M^a against candidate laws (Thm 4:
n ≳ d_k² M log(M/δ), so p_c ∝ M⁻¹ log M; Figs 5 and 8).  numpy/scipy only.

Per group, success of a cell is ``best_test_acc ≥ threshold`` (the threshold written in the spec before the run).
The probability of success is fitted by a logistic curve in log p,

    P(success | p) = 1 / (1 + exp(−(log p − log p_c) / s)),

by maximum likelihood with a weak penalty on the steepness 1/s (λ/s², so that perfectly separated data give the
geometric midpoint of the gap between the largest failing and the smallest succeeding p, instead of an infinitely
steep curve at an arbitrary point of the gap).  The interval of p_c is a bootstrap over seeds: each replicate
resamples, for every p, that p's cells with replacement, and refits; when the outcomes are separated (every
failing p below every succeeding p) the interval is widened to that gap, which resampling cannot explore.

What is not fitted (each group's ``status`` says which; its p_c is NaN in Python and null in JSON):

- ``"all succeed"`` / ``"all fail"``: no boundary inside the grid (``censored`` = ``"below"`` / ``"above"``).
- cells of status ``"unfit"`` (final train accuracy below the spec's fit threshold: neither memorization nor
  generalization) are left out of the fit and counted in ``unfit``; ``"no fitted cells"`` when none is left.
- ``"non-monotone"``: success falls with p.  Every pair p < p' whose success rate is lower at p' is reported in
  ``non_monotone`` (where, k/N on each side, the one-sided Fisher exact p-value of a drop that large when the
  two rates are equal); when any of them has p-value ≤ :data:`MONOTONE_ALPHA` the group is not fitted — a
  logistic curve is never fitted through a drop binomial noise does not explain.  (With 3 seeds only a 3/3 →
  0/3 drop reaches it; smaller drops are reported and the group is fitted.)
- ``"outside bracket"``: the maximum-likelihood p_c lies outside the sampled bracket [min p, max p] (the grid
  says nothing there); the estimate is reported as ``estimate_outside``.

A fitted p_c lies inside the bracket, so inside (0, 1); its interval is cut to the bracket (``ci_clipped``).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from scipy.optimize import minimize

PENALTY = 1e-3     # λ of the steepness penalty λ/s² (s in units of log p)
S_MIN = 0.01       # steepest logistic allowed (log p units)
BOOTSTRAP = 400
MONOTONE_ALPHA = 0.05  # a drop of success with p whose one-sided Fisher p-value is ≤ this: the group is not fitted


def _nll(theta, x, k, N):
    """Penalized negative log-likelihood of k successes in N cells at each log p = x, and its gradient."""
    mu, log_s = theta
    s = math.exp(log_s)
    z = (x - mu) / s
    # log(1 + e^{−z}) per success, log(1 + e^{z}) per failure, stably
    f = float(np.sum(np.logaddexp(0.0, -z) * k + np.logaddexp(0.0, z) * (N - k)) + PENALTY / s ** 2)
    sig = 0.5 * (1 + np.tanh(0.5 * z))  # logistic σ(z)
    dz = -k * (1 - sig) + (N - k) * sig
    return f, np.array([float(np.sum(dz)) * (-1 / s), float(np.sum(dz * -z)) - 2 * PENALTY / s ** 2])


def logistic_fit(log_p: np.ndarray, success: np.ndarray, start: tuple[float, float] | None = None
                 ) -> tuple[float, float]:
    """(log p_c, s) of the penalized maximum-likelihood logistic fit; (nan, nan) when all cells agree.
    ``start``: one starting point (log p_c, s) instead of the default two (the bootstrap warm-starts)."""
    x = np.asarray(log_p, float)
    y = np.asarray(success, float)
    if y.min() == y.max():
        return math.nan, math.nan
    ux, inv = np.unique(x, return_inverse=True)
    k = np.bincount(inv, weights=y)
    N = np.bincount(inv).astype(float)
    mu0 = 0.5 * (x[y == 1].min() + x[y == 0].max())
    best = None
    for m0, s0 in ([start] if start is not None else [(mu0, 0.05), (mu0, 0.5)]):
        r = minimize(_nll, x0=[m0, math.log(s0)], args=(ux, k, N), method="L-BFGS-B", jac=True,
                     bounds=[(x.min() - 3, x.max() + 3), (math.log(S_MIN), math.log(10.0))])
        if best is None or r.fun < best.fun:
            best = r
    return float(best.x[0]), float(math.exp(best.x[1]))


def monotonicity(ps: np.ndarray, k: np.ndarray, N: np.ndarray) -> list[dict]:
    """Every pair p < p' (sorted grid ``ps`` with k successes of N cells each) where the success rate falls,
    with the one-sided Fisher exact p-value of a drop that large under equal rates; sorted by p-value."""
    from scipy.stats import fisher_exact

    out = []
    for i in range(len(ps)):
        for j in range(i + 1, len(ps)):
            if k[i] * N[j] > k[j] * N[i]:
                pv = float(fisher_exact([[k[i], N[i] - k[i]], [k[j], N[j] - k[j]]], alternative="greater")[1])
                out.append({"p": float(ps[i]), "p_higher": float(ps[j]), "success": f"{int(k[i])}/{int(N[i])}",
                            "success_higher": f"{int(k[j])}/{int(N[j])}", "p_value": pv,
                            "significant": pv <= MONOTONE_ALPHA * (1 + 1e-9)})  # 3/3 → 0/3 is 0.05 exactly
    return sorted(out, key=lambda d: d["p_value"])


def _unfitted(entry: dict, status: str, censored: str | None = None) -> dict:
    entry.update(p_c=math.nan, ci=(math.nan, math.nan), n_c=math.nan, n_c_ci=(math.nan, math.nan), width=math.nan,
                 censored=censored, status=status)
    return entry


def critical_fraction(rows: Sequence[dict], *, threshold: float, n_boot: int = BOOTSTRAP, seed: int = 0,
                      ci: float = 0.95) -> dict[str, dict]:
    """Per group (keyed by its spec string): ``{"M", "family", "max_dk", "p_c", "ci": (lo, hi), "n_c" = p_c·M²,
    "n_c_ci", "seeds" (cells per p), "status", "censored": None | "below" | "above", "success": {p: k/N},
    "p_grid", "unfit" (cells left out), "non_monotone" (drops of success with p)}`` — see the module text for
    the statuses that leave p_c NaN.

    ``censored="below"``: every cell succeeded (p_c below the grid); ``"above"``: none did."""
    by_group: dict[str, list[dict]] = {}
    for r in rows:
        by_group.setdefault(str(r["group"]), []).append(r)
    rng = np.random.default_rng(seed)
    out = {}
    for g, rs_all in by_group.items():
        rs = [r for r in rs_all if r.get("status") != "unfit"]
        M = int(rs_all[0]["M"])
        entry = {"M": M, "family": rs_all[0].get("family", ""), "max_dk": rs_all[0].get("max_dk", None),
                 "unfit": len(rs_all) - len(rs), "non_monotone": [], "censored": None}
        if not rs:
            entry.update(seeds=0, success={}, p_grid=[])
            out[g] = _unfitted(entry, "no fitted cells")
            continue
        ps = np.array([float(r["p"]) for r in rs])
        acc = np.array([float(r["best_test_acc"]) for r in rs])
        succ = (np.nan_to_num(acc, nan=-1.0) >= threshold).astype(float)
        x = np.log(ps)
        ups = np.unique(ps)
        k = np.array([succ[ps == p].sum() for p in ups])
        N = np.array([(ps == p).sum() for p in ups])
        entry.update(seeds=int(N.min()), success={float(p): f"{int(a)}/{int(b)}" for p, a, b in zip(ups, k, N)},
                     p_grid=[float(p) for p in ups])
        entry["non_monotone"] = monotonicity(ups, k, N)
        if any(d["significant"] for d in entry["non_monotone"]):
            out[g] = _unfitted(entry, "non-monotone")
            continue
        mu, s = logistic_fit(x, succ)
        if not math.isfinite(mu):
            out[g] = _unfitted(entry, "all succeed" if succ.all() else "all fail",
                               "below" if succ.all() else "above")
            continue
        if not x.min() <= mu <= x.max():
            entry["estimate_outside"] = math.exp(mu)
            out[g] = _unfitted(entry, "outside bracket")
            continue
        idx_by_p = [np.flatnonzero(ps == p) for p in ups]
        boots = []
        for _ in range(n_boot):
            take = np.concatenate([rng.choice(ix, size=ix.size, replace=True) for ix in idx_by_p])
            m, _ = logistic_fit(x[take], succ[take], start=(mu, s))
            if not math.isfinite(m):  # a replicate with no boundary: it lies beyond the side its cells say
                m = x.min() - 0.5 * np.ptp(x) / max(1, len(ups) - 1) if succ[take].all() else \
                    x.max() + 0.5 * np.ptp(x) / max(1, len(ups) - 1)
            boots.append(m)
        a = (1 - ci) / 2
        lo, hi = np.quantile(boots, [a, 1 - a])
        if x[succ == 0].max() < x[succ == 1].min():
            # separated outcomes: resampling seeds cannot move p_c out of the gap between the largest failing
            # and the smallest succeeding p, and the data say nothing about where in the gap it lies
            lo, hi = min(lo, x[succ == 0].max()), max(hi, x[succ == 1].min())
            entry["separated"] = True
        entry["ci_clipped"] = bool(lo < x.min() or hi > x.max())
        lo, hi = max(lo, x.min()), min(hi, x.max())  # the grid says nothing outside its bracket
        p_c = math.exp(mu)
        entry.update(p_c=p_c, ci=(float(math.exp(lo)), float(math.exp(hi))), n_c=p_c * M * M,
                     n_c_ci=(float(math.exp(lo)) * M * M, float(math.exp(hi)) * M * M), width=s, status="fit")
        out[g] = entry
    return out


LAWS = {"M log M": lambda M: M * np.log(M), "M": lambda M: M * 1.0, "M^2": lambda M: M ** 2.0}


def fit_scaling(Ms: Sequence[float], n_c: Sequence[float], n_c_ci: Sequence[tuple[float, float]], *,
                n_boot: int = 2000, seed: int = 0, ci: float = 0.95) -> dict:
    """Fit n_c ∝ M^a (weighted least squares in log–log, weights from the intervals' widths) and compare with
    the candidate laws n_c = c·f(M), f ∈ {M log M, M, M²} over the same M.

    Returns ``{"a", "a_ci", "a_se", "n", "M_range", "laws": {name: {"exponent" (f's log–log slope over these M),
    "c", "chi2", "aic", "delta_aic", "inside_ci"}}, "power_law": {"chi2", "aic"}, "best"}``.  σ of log n_c is
    (log hi − log lo)/(2·z); the interval of a is a parametric bootstrap over those σ."""
    M = np.asarray(Ms, float)
    y = np.log(np.asarray(n_c, float))
    lo = np.log(np.array([c[0] for c in n_c_ci], float))
    hi = np.log(np.array([c[1] for c in n_c_ci], float))
    if M.size < 2 or np.unique(M).size < 2:
        raise ValueError(f"a scaling fit needs at least two distinct M, got {M.tolist()}")
    from scipy.stats import norm

    z = norm.ppf(0.5 + ci / 2)
    sig = np.maximum((hi - lo) / (2 * z), 0.05)  # floor: a degenerate interval must not get infinite weight
    x = np.log(M)
    w = 1 / sig ** 2

    def wls(yv):
        A = np.stack([x, np.ones_like(x)], 1)
        Aw = A * np.sqrt(w)[:, None]
        coef, *_ = np.linalg.lstsq(Aw, yv * np.sqrt(w), rcond=None)
        return coef

    a, b = wls(y)
    resid = y - (a * x + b)
    chi2_pl = float(np.sum(w * resid ** 2))
    cov = np.linalg.inv((np.stack([x, np.ones_like(x)], 1) * w[:, None]).T @ np.stack([x, np.ones_like(x)], 1))
    rng = np.random.default_rng(seed)
    boots = np.array([wls(y + rng.normal(0, sig))[0] for _ in range(n_boot)])
    qa = (1 - ci) / 2
    a_lo, a_hi = np.quantile(boots, [qa, 1 - qa])
    k = M.size
    laws = {}
    for name, f in LAWS.items():
        lf = np.log(f(M))
        c = float(np.sum(w * (y - lf)) / np.sum(w))
        chi2 = float(np.sum(w * (y - lf - c) ** 2))
        expo = float(np.polyfit(x, lf, 1)[0])
        laws[name] = {"exponent": expo, "c": math.exp(c), "chi2": chi2, "aic": chi2 + 2 * 1,
                      "inside_ci": bool(a_lo <= expo <= a_hi)}
    aic_pl = chi2_pl + 2 * 2
    best = min(list(laws.items()) + [("power law", {"aic": aic_pl})], key=lambda kv: kv[1]["aic"])[0]
    for v in laws.values():
        v["delta_aic"] = v["aic"] - min([aic_pl] + [u["aic"] for u in laws.values()])
    return {"a": float(a), "a_se": float(math.sqrt(cov[0, 0])), "a_ci": (float(a_lo), float(a_hi)), "b": float(b),
            "n": int(k), "M_range": (float(M.min()), float(M.max())), "laws": laws,
            "power_law": {"chi2": chi2_pl, "aic": aic_pl}, "best": best}


def fit_boundaries(entries: Sequence[dict]) -> dict:
    """:func:`fit_scaling` over boundary entries (each with ``M``, ``n_c`` and ``n_c_ci``)."""
    return fit_scaling([e["M"] for e in entries], [e["n_c"] for e in entries], [e["n_c_ci"] for e in entries])


def fit_families(crit: dict[str, dict]) -> dict[str, dict]:
    """:func:`fit_scaling` per family over its groups with an uncensored p_c (families with < 2 such M skipped)."""
    fams: dict[str, list[dict]] = {}
    for e in crit.values():
        if math.isfinite(e.get("p_c", math.nan)):
            fams.setdefault(e["family"], []).append(e)
    out = {}
    for fam, es in fams.items():
        if len({e["M"] for e in es}) < 2:
            continue
        out[fam] = fit_boundaries(es)
    return out


def _pandas():
    """pandas, or one ImportError line saying how to install it (it is optional)."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("li2verify.sweep.load needs pandas: pip install 'li2verify[notebook]'") from None
    return pd


#: the columns of :meth:`Boundary.table`
TABLE_COLUMNS = ("group", "family", "M", "max_dk", "status", "p_c", "ci_lo", "ci_hi", "n_c", "seeds", "unfit",
                 "drops")


@dataclass
class Boundary:
    """The boundary p_c(M) of a sweep: per group the entry of :func:`critical_fraction`, per family the scaling
    fit of :func:`fit_families`, and the success threshold.  :meth:`table` is one row per group, :meth:`to_frame`
    the same as a pandas DataFrame, and in Jupyter the object shows itself as an HTML table (``_repr_html_``)."""

    threshold: float
    critical: dict[str, dict]
    fits: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Sequence[dict], *, threshold: float, **kw) -> "Boundary":
        crit = critical_fraction(rows, threshold=threshold, **kw)
        return cls(threshold, crit, fit_families(crit))

    @classmethod
    def from_json(cls, d: dict) -> "Boundary":
        """From the parsed ``boundary.json`` (null read back as NaN)."""
        def nan(v):
            return math.nan if v is None else v

        crit = {}
        for g, e in d.get("critical", {}).items():
            e = dict(e)
            for k in ("p_c", "n_c", "width"):
                e[k] = nan(e.get(k))
            for k in ("ci", "n_c_ci"):
                e[k] = tuple(nan(v) for v in (e.get(k) or (None, None)))
            crit[g] = e
        return cls(float(d["threshold"]), crit, d.get("fits", {}))

    def table(self) -> list[dict]:
        """One row per group, by family then M: :data:`TABLE_COLUMNS` (``drops``: pairs of p where success falls
        with p; ``unfit``: cells left out of the fit)."""
        out = []
        for g, e in sorted(self.critical.items(), key=lambda kv: (str(kv[1].get("family")), kv[1]["M"], kv[0])):
            lo, hi = e.get("ci", (math.nan, math.nan))
            out.append({"group": g, "family": e.get("family"), "M": e["M"], "max_dk": e.get("max_dk"),
                        "status": e.get("status", "fit" if math.isfinite(e.get("p_c", math.nan)) else "censored"),
                        "p_c": e.get("p_c", math.nan), "ci_lo": lo, "ci_hi": hi, "n_c": e.get("n_c", math.nan),
                        "seeds": e.get("seeds"), "unfit": e.get("unfit", 0), "drops": len(e.get("non_monotone", []))})
        return out

    def to_frame(self):
        """:meth:`table` as a pandas DataFrame (needs pandas)."""
        return _pandas().DataFrame(self.table(), columns=list(TABLE_COLUMNS))

    def __repr__(self) -> str:
        fitted = sum(1 for r in self.table() if r["status"] == "fit")
        return f"Boundary({len(self.critical)} groups, {fitted} fitted, threshold {self.threshold:g}, " \
               f"fits: {', '.join(self.fits) or 'none'})"

    def _repr_html_(self) -> str:
        def cell(v):
            if isinstance(v, float):
                return "" if math.isnan(v) else f"{v:.4g}"
            return html.escape("" if v is None else str(v))

        head = "".join(f"<th>{html.escape(c)}</th>" for c in TABLE_COLUMNS)
        body = "".join("<tr>" + "".join(f"<td>{cell(r[c])}</td>" for c in TABLE_COLUMNS) + "</tr>"
                       for r in self.table())
        fits = "".join(
            f"<li>{html.escape(fam)}: n_c ∝ M^a, a = {f['a']:.3g} (95% CI {f['a_ci'][0]:.3g}–{f['a_ci'][1]:.3g}), "
            f"best law by AIC: {html.escape(str(f['best']))}</li>" for fam, f in self.fits.items())
        return (f"<div><p>Generalization boundary p_c(M): success = best test accuracy ≥ {self.threshold:g}; "
                f"{len(self.critical)} groups</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                + (f"<ul>{fits}</ul>" if fits else "") + "</div>")
