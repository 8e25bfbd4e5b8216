"""Analyses: pure functions of the tree that return documented maps; they never change it."""
