"""The YAML scenario harness: the pytest plugin and the ``librelog-verify`` command."""
