"""Utilities, the lowest layer: thread policy (:mod:`.threads`), run profiles (:mod:`.profiles`), log–log fits of
asymptotic orders (:mod:`.fits`).  Imports no other li2verify package."""
