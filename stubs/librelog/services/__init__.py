"""Business logic: routes call these; these call the database and the LibreTime client."""
