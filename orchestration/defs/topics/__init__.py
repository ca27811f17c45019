"""Theme assets over the topics library."""
