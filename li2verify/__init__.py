"""li2verify: a proof-checking CI for the Li2 theory of grokking (Tian 2025, arXiv 2509.21519)."""

__version__ = "0.1.0"
