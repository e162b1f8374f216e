"""Benchmarks of the auditor against its reference points (run by hand: `python -m bench`).

Not part of the test suite: a full run builds databases of up to 10,000 tables and takes minutes.
"""
