"""What a comparison finds inside the aligned text: changes, attributions, boilerplate, coverage."""
