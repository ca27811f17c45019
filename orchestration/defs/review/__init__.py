"""Review assets: human decisions on links and themes, applied on every run."""
