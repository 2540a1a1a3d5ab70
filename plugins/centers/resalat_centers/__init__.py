"""The cooperation centres plugin (کانون‌های همیاری اجتماعی): centres, members, cores and shared orders."""

from resalat_core.sdk import Plugin, _l

plugin = Plugin(
    name="centers",
    sdk=">=1.8,<2",  # BigId and widen_ids; add_demo_members
    title=_l("Cooperation centres"),
    package=__name__,
    # A centre links cores and splits its customers' orders among them. Centres move no money:
    # an order's unit price is what the customer agreed to, for the record.
    requires=("cores",),
    description=_l(
        "Local associations of members: their cores, and outside orders the centre's leader shares "
        "among the cores."
    ),
    icon="people",
)
