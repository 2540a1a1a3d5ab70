"""The host of the Resalat super-app: identity, regions, money and the plugin seam."""

__version__ = "0.1.0"
