"""A second paper checked with the same machinery: Liu, Kitouni, Nolte, Michaud, Tegmark, Williams 2022, *Towards
Understanding Grokking: An Effective Theory of Representation Learning* (``../shared/papers/004_*.txt``), and side by
side with Li2.  Every claim passes ``source=SOURCE``, so the report shows this package under its own heading
(docs/adding_a_paper.md walks through how the package was added).

* ``liu2022_effective_theory``: the effective theory (Sec 3.2, App. F) — r_c ≈ 0.4 at p = 10, λ3, the
  conservation laws, the linear flow (numpy only).
* ``liu2022_toy_model``: the toy model trained (li2verify.train.liu2022) — RQI predicts accuracy, the trained
  critical fraction.
* ``liu2022_side_by_side``: Liu's measures on the Li2 network and task — RQI vs Fourier-feature emergence, Liu's
  critical fraction on Z_M vs Li2's M⁻¹ log M.
"""

SOURCE = "Liu et al. 2022, Towards Understanding Grokking: An Effective Theory of Representation Learning"
