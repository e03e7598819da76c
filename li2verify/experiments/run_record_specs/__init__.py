"""The package's run records (li2verify.experiments.run_records), one module per claim family, each registering its
definitions on import; importing this package registers them all."""

from li2verify.experiments.run_record_specs import fig3, fig9_muon, fig13_ridge, liu2022_toy, study003  # noqa: F401
