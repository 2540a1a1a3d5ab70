"""The M-Bazar plugin (ام‌بازار): members' booths, the catalogue and its search, cart, checkout, orders."""

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="bazaar",
    version="0.1.0",
    title_fa="ام‌بازار",
    title_en="M-Bazar",
    package=__name__,
    # A core leader links one of their active cores (by core ID) to a booth.
    requires=("cores",),
    description_fa="بازار اعضا: غرفه‌ها (ساتِ)، کالا و خدمات، جست‌وجو، سبد خرید، پرداخت امانی، سفارش‌ها.",
    description_en="The members' market: booths, goods and services, search, cart, escrow checkout, orders.",
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
)
