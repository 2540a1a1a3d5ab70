"""Regions: provinces and places."""
