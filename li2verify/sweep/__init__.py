"""Sweeps: grids of training cells (groups × p × seeds × lr × η × K × epochs) trained many cells per tensor
program, in-process or as Ray tasks, with a resumable results table, phase diagrams and the generalization
boundary p_c(M) (Thm 4, Figs 5–8).

- :mod:`~li2verify.sweep.spec`     the spec (TOML/YAML, ``key=value`` overrides) and its cells.
- :mod:`~li2verify.sweep.cells`    many cells in one tensor program (the training engine's batched network).
- :mod:`~li2verify.sweep.table`    ``results.csv``: one row per cell, atomic, resumable, no duplicates.
- :mod:`~li2verify.sweep.run`      the driver: resume, progress bar, in-process or Ray tasks.
- :mod:`~li2verify.sweep.boundary` p_c(M) by logistic fit with bootstrap intervals; fits of n_c ∝ M^a against
  candidate laws (numpy/scipy only).
- :mod:`~li2verify.sweep.plots`    phase diagrams and the boundary plot.
- :mod:`~li2verify.sweep.notebook` :func:`load` (results.csv as a typed pandas DataFrame) and
  :func:`load_boundary` (the boundary as an object with a table and an HTML view).
- :mod:`~li2verify.sweep.tracking` TensorBoard event files for sweeps and training runs (``--tensorboard``).
"""


def load(out):
    """``out/results.csv`` as a pandas DataFrame, one typed row per cell (:func:`li2verify.sweep.notebook.load`)."""
    from li2verify.sweep.notebook import load as _load

    return _load(out)


def load_boundary(out, **kw):
    """The boundary of a sweep directory (:func:`li2verify.sweep.notebook.load_boundary`)."""
    from li2verify.sweep.notebook import load_boundary as _lb

    return _lb(out, **kw)
