"""The seed families of the empirical claims, one definition each (:class:`~li2verify.utils.profiles.SeedSet`:
``VOTE_SEEDS[profile]`` is the list of seeds).

=================  =====  ====  ========  =====  ===========================================================
family             first  fast  thorough  paper  used by
=================  =====  ====  ========  =====  ===========================================================
``VOTE_SEEDS``     10     5     10        15     the dead-band seed votes on trained nets: the training variants
                                                 of Apps. H/I (Figs 9-18), study003's sign-match and
                                                 eigengap, Sec 4.5's ungrokking, Thm 4's proxy vs trained nets
``ETA_SWEEP``      10     3     5         15     the η sweep (a log–log fit, not a seed vote): fig3, study003
``LR_SEEDS``       20     6     10        15     the learning-rate runs of Figs 6-7 and Sec 4.5 (pilot: 10-15)
``MODULATION``     0      2     5         5      the random learned subsets of Thm 7's modulation checks
``FIG3_SEEDS``     0      5     10        15     Fig 3 (``li2verify.train.presets``: ``reproduce fig3`` reads it)
=================  =====  ====  ========  =====  ===========================================================

Seeds 0-2 of the vote family's range were the pilots of the training-variant rules: recorded checks start at 10.
"""

from __future__ import annotations

from li2verify.train.presets import FIG3_SEEDS  # noqa: F401  (listed above; defined with Fig 3's preset)
from li2verify.utils.profiles import SeedSet

#: the dead-band seed votes on trained networks: 5 seeds in fast, so that one undecided seed cannot turn a unanimous
#: 5/5 into a different status (k_min = 4 of 5)
VOTE_SEEDS = SeedSet(first=10, fast=5, thorough=10, paper=15)
#: the η sweep of ``eta_sweep`` (a log–log fit over η, not a seed vote): 3 seeds in fast
ETA_SWEEP = SeedSet(first=10, fast=3, thorough=5, paper=15)
#: the learning-rate runs of ``learning_rate`` (recorded seeds 20.., the pilot of the rule used 10-15)
LR_SEEDS = SeedSet(first=20, fast=6, thorough=10, paper=15)
#: the random learned subsets (numpy generator seeds) of ``modulation.residual_instances``
MODULATION = SeedSet(first=0, fast=2, thorough=5, paper=5)
