"""The package's run records (li2verify.experiments.run_records), one module per claim family, each registering its
definitions on import; importing this package registers them all."""

from li2verify.experiments.run_record_specs import (  # noqa: F401
    fig3, fig9_muon, fig13_ridge, fig18_zero_init, liu2022_toy, sec6_layerwise, study003)
