"""Analyses of the targets per region and across regions, their figures, and the explorer's filter model."""
