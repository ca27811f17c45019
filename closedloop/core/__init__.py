"""What every room of closedloop shares: settings, errors, the warehouse door and redaction."""
