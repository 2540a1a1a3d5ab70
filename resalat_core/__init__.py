"""The host of the Resalat super-app: identity, regions, money and the plugin seam."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("resalat")
except PackageNotFoundError:  # pragma: no cover - a bare checkout that was never installed
    __version__ = "0+unknown"
