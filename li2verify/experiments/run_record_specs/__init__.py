"""The package's run records (li2verify.experiments.run_records), one module per claim family, each registering its
definitions on import; importing this package registers them all."""

from li2verify.experiments.run_record_specs import liu2022_toy  # noqa: F401
from li2verify.experiments.run_record_specs import sec6_layerwise  # noqa: F401
