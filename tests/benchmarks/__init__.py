"""`make bench`: the benchmark harness (issue 8). Run it with `python -m tests.benchmarks`."""
