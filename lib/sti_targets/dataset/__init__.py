"""The curated dataset: its schema, reading CSV in any supported encoding, validation, the typed
loaders and the Dataset of four tables, and the provenance checks that tie each number to its source."""
