"""Rasan (رسان), the members' social network: posts with photos and product cards, follows, a
feed by keyset, likes, comments, hashtags, groups, "ask me" questions and moderation."""

from resalat_core.sdk import Plugin, _l

NAME = "rasan"
# Who hides and restores reported posts of their region (declared in hooks.py).
MODERATE = f"{NAME}.moderate"

plugin = Plugin(
    name=NAME,
    title=_l("Rasan"),
    package=__name__,
    sdk=">=1.7,<2",  # BigId, stored files (photos), audit(), a member's own data
    # Product cards through M-Bazar's public services; cores to post as, and to follow, a core.
    requires=("bazaar", "cores"),
    description=_l("The members' social network: posts, follows, groups and questions to those who know."),
    icon="people",
    hookspecs=f"{__name__}.hookspecs",
    settings={
        # Bytes one photo may have (the host's limit applies when larger).
        "photo_max_bytes": 5 * 1024 * 1024,
    },
)
