"""Tessera's benchmarks: ``make bench`` (``python -m bench``).

Builds its own synthetic partnership in a PostgreSQL database of its own (``tessera_bench``),
then measures the server time of a young person's chronology page and of the filtered record
list against hand-written SQL for the same rows. See ``bench/README.md``.
"""
