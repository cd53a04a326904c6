"""Ways to show a Comparison: plain text for a terminal, HTML for a browser."""
