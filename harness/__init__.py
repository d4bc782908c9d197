"""The YAML scenario harness (pytest plugin and ``librelog-verify`` command): built in issue 4."""
