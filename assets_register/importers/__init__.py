"""Importers of outside data. Each module reads one kind of source on a shared base."""
