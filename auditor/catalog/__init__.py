"""Readers: the only code that talks to the outside world. Each returns a Catalog."""
