"""Experiment machinery for claim modules: the instances, runs and decision rules that the checks under
``theorems/`` share, importable by any claim or conjecture module (``from li2verify.experiments.sweeps import
grid_rows``).  Each module holds one idea; the claims that read it are named in its docstring.

Layer: above ``sweep`` and ``verify`` (it may import ``utils``, ``groups``, ``paper``, ``train``, ``sweep`` and
``verify``), below the command line (the only layer that may import it); it never imports ``theorems``.  Runs are cached per process (``functools.lru_cache``), so the modules that read one run
train it once per pytest session.  Profile-sized lists take the profile (``li2verify.utils.profiles``) as an
argument, or read the active one when first used.

Instances (numpy/sympy; no training):

- :mod:`~li2verify.experiments.instances` — the profile-sized group instances: ``STAGE2`` /
  ``stage2_instances`` (every family and Frobenius–Schur type, Thms 2–3), ``modulation_instances`` (Thm 7),
  ``LAZY_FAMILIES``, ``lazy_instance`` and ``lazy_arrays`` (Stage I random features), ``family_label``.
- :mod:`~li2verify.experiments.local_maxima` — Thm 2: S and Ŝ (Eqns 17–19), many-start ascent, the
  local-maximum test, exact sympy states of small groups, Hypothesis draws of maximizers.
- :mod:`~li2verify.experiments.lazy_flow` — Props 2–4, Lemma 11, (H)/(H2): α and t grids, random-feature and
  synthetic realizable instances, the closed-form scalar flow, Hypothesis-drawn instances.
- :mod:`~li2verify.experiments.gradient_structure` — Lemma 1: activations, random features, two-cluster inputs.
- :mod:`~li2verify.experiments.memorization` — Lemmas 5–6, Thm 5: activations by the type of φ = σ'/x, the
  global maximizer of Σ_g p_g σ(s_g), the label-centred energy.
- :mod:`~li2verify.experiments.modulation` — Thm 7: learned irrep subsets S, exact characters and isotypic
  projectors Π_k (Eqn 34).
- :mod:`~li2verify.experiments.repulsion` — Thm 6: random-feature families and sampled feature pairs.
- :mod:`~li2verify.experiments.muon_coupon` — Lemmas 7, 10, Thm 8: the Monte Carlo z-score rule and coupon
  probability profiles.

Trained networks (torch, through ``li2verify.train`` and ``li2verify.sweep``):

- :mod:`~li2verify.experiments.sweeps` — the one trained grid of the scaling-law claims (Figs 5 and 8, Thm 4),
  read from the profile's packaged sweep specs (``li2verify.sweep.spec.PROFILE_SPECS``), and its boundaries p_c.
- :mod:`~li2verify.experiments.scaling` — the decision of a family's scaling claim from boundary entries.
- :mod:`~li2verify.experiments.records` — decisions from a committed caption-scale evidence record.
- :mod:`~li2verify.experiments.learning_rate` — Figs 6–7 and Sec 4.5: the learning-rate runs near the boundary.
- :mod:`~li2verify.experiments.eta_sweep` — Fig 3 and the grokking-time study: the weight-decay sweep.
- :mod:`~li2verify.experiments.training_variants` — Apps. H/I: seeds, grokking epoch, the ‘groks’ / ‘groks
  earlier’ seed rules, Fig 11's baseline gate, the Figs 12–13 runs.
- :mod:`~li2verify.experiments.deep_networks` — Sec 6: random deep networks and the ∝ rule on cosines.
- :mod:`~li2verify.experiments.seeds` — the seed families of the empirical claims by profile (vote seeds, the η
  sweep's, the learning-rate runs', Thm 7's random subsets), one definition each.

A run that trains a paper figure's setting builds it from the figure's preset
(``li2verify.train.presets.figure_setting`` / ``figure_conditions``), never from its own literal sizes.

The submodules are imported one by one (this package imports none of them, so a module that needs only instances
does not import torch).
"""
