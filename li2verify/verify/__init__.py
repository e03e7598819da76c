"""The verification framework (imports :mod:`li2verify.utils` only): claims and evidence (:mod:`.claims`), the
pytest plugin with the status guard (:mod:`.plugin`), the report (:mod:`.report`, :mod:`.mathml`,
:mod:`.depgraph`, ``templates/``)."""
