"""The version of the host's plugin SDK: what ``Plugin.sdk`` ranges are checked against.

The major number changes when something a plugin may use is removed or changes meaning; the
minor number when something is added. A plugin states ``sdk=">=1,<2"`` for "1.x, 1.0 or later".
"""

SDK_VERSION = "1.9"
