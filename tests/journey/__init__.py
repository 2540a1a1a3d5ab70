"""The core's journey for ``tests/test_journey.py``: the steps, and a walker that counts them."""
