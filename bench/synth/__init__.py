"""Synthetic legal documents for tests, samples and the benchmark corpus.

Everything here is generated locally from code (no downloads): legal prose with known
entities (:mod:`bench.synth.prose`) and documents of every supported format built
from it (:mod:`bench.synth.documents`).
"""
