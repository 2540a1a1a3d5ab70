"""The fault test's parts (tests/test_faults.py): its world, its load and killer, its checks."""
