"""Domain checks that replace the seed's manual LibreTime UI checks, one module per concern:
``schedule`` (the day LibreTime will play), ``library`` (files and synced tracks), ``deployment``
(how LibreLog reaches LibreTime). Import the module a check lives in: the package itself loads
nothing, so code that needs one small helper does not start every target with it."""
