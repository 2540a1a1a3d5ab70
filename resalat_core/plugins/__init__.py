"""The plugin seam: the hook contract, discovery, load order and per-region activation."""
