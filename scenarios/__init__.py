"""The built-in scenario suite, shipped inside the package as data.

Each YAML file below is one scenario; this module only lets the suite be found wherever the
package is installed (``harness.model.suite.builtin_suite``).
"""
