"""The paper's objects (numpy/scipy/sympy; imports :mod:`li2verify.utils` and :mod:`li2verify.groups`).

Activations (:mod:`.activations`, :mod:`.hermite`), group-task data (:mod:`.task`), the core Li2 objects F, F̃,
G_F, V_ridge (:mod:`.li2`), the energy E (:mod:`.energy`, :mod:`.landscape`), Stage I (:mod:`.lazy`), Stage II
(:mod:`.reconstruction`, :mod:`.memorization`, :mod:`.sampling`) and Stage III (:mod:`.repulsion`,
:mod:`.modulation`, :mod:`.muon`, :mod:`.coupon`).
"""
