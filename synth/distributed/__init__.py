"""Rebalance and evaluate partitioned tables larger than memory on a Dask cluster.

Partitions are pandas frames, so the in-memory code runs inside them; only counts, a bounded
sample, the rare rows and holdout scores ever reach the client.
"""
