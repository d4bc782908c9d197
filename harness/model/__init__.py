"""The scenario model: scenario files read and checked (loader, lint), their templates, packs,
what a scenario requires of a target, expected outcomes, the built-in suite and its catalogue."""
