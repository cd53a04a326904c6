"""Aligners: what text a and text b share, verbatim, paraphrased or quoted."""
