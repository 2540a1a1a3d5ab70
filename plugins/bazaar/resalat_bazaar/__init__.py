"""The M-Bazar plugin (ام‌بازار): members' booths, the catalogue and its search, cart, checkout, orders."""

from resalat_core.sdk import Plugin, Purpose, SystemAccount, _l

plugin = Plugin(
    name="bazaar",
    sdk=">=1.9,<2",  # kept_by_worker (the category tree)
    title=_l("M-Bazar"),
    package=__name__,
    hookspecs="resalat_bazaar.hookspecs",
    # A core leader links one of their active cores (by core ID) to a booth.
    requires=("cores",),
    description=_l("The members' market: booths, goods and services, search, cart, escrow checkout, orders."),
    icon="shop",
    # Defaults; a deployment overrides them in [plugins.bazaar] or as RESALAT_BAZAAR_<NAME>.
    settings={
        "auto_complete_days": 7,
        "low_stock": 3,
        "max_photo_bytes": 5 * 1024 * 1024,
        "photo_max_side": 1600,
        "thumb_max_side": 400,
        "max_photos": 6,
        "media_dir": "",  # empty: <instance folder>/bazaar-media
    },
    # Holds every open order's price from checkout until the seller is paid or the buyer refunded.
    accounts=(SystemAccount("escrow", _l("Purchase escrow"), may_go_negative=True),),
    # A statement line reads the order's number and booth (the transfers' params).
    purposes=(
        Purpose("bazaar_purchase", _l("Purchase in M-Bazar"), detail=_l("Order %(order)s from %(booth)s")),
        Purpose("bazaar_sale", _l("Sale in M-Bazar"), detail=_l("Order %(order)s at %(booth)s")),
        Purpose(
            "bazaar_refund", _l("Refund of an M-Bazar order"), detail=_l("Order %(order)s from %(booth)s")
        ),
    ),
)
