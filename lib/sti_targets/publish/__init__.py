"""What analysts open: rendered report pages with their index, and the Voilà dashboard."""
