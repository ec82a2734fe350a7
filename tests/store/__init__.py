"""Tests of the campaign database (nfpopt.store)."""
