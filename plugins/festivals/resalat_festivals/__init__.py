"""The festivals plugin (جشنواره‌ها): local fairs announced, cores' applications for booths, sales counted."""

from resalat_core.sdk import Plugin, _l

plugin = Plugin(
    name="festivals",
    sdk=">=1.4,<2",
    title=_l("Festivals and fairs"),
    package=__name__,
    # An application is a core's (cores); the fair's page shows the cores' M-Bazar products and
    # its sales are counted from M-Bazar's orders (bazaar). Festivals move no money.
    requires=("cores", "bazaar"),
    description=_l(
        "Local festivals and fairs: cores apply for a booth, the organiser accepts them, and the "
        "fair's sales are counted."
    ),
    icon="flag",
    settings={
        # Days after a fair's last day during which a core's leader may report or correct what
        # the core sold there in person.
        "report_days": 7,
    },
)
