"""Transforms: each rewrites the tree and says whether it changed anything."""
