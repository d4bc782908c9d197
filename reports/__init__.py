"""Reports from a run: the Allure HTML (offline, no tracking) and the verification report."""
