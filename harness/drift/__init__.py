"""``librelog-verify drift``: the LibreTime stub proved against a real LibreTime."""
