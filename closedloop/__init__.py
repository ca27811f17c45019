"""closedloop: resolved support tickets to themes, themes to shipped improvements."""
