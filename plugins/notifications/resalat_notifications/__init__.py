"""The notifications plugin (اعلان‌ها): one inbox for what every plugin tells a member."""

from resalat_core.sdk import Plugin, _l

plugin = Plugin(
    name="notifications",
    sdk=">=1.7,<2",  # BigId and widen_ids
    title=_l("Notifications"),
    package=__name__,
    description=_l("Each member's inbox: what every part of Resalat tells them, in one place."),
    icon="bell",
)
