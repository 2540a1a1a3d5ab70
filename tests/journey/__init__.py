"""The core's journey, step by step, for ``tests/test_journey.py``: a walker that counts what a person does."""
