"""copytrace: how a news story travelled."""
