"""Small process models for the example campaigns, importable as named priors (``docs/priors.md``).

Nothing here is used by nfpopt itself: each module is a model a lab might write, named by a
campaign file's ``[prior] model = "nfpopt.examples.<module>:<function>"``.
"""
