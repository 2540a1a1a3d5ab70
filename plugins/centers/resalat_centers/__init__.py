"""The cooperation centres plugin (کانون‌های همیاری اجتماعی): centres, members, cores and shared orders."""

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="centers",
    version="0.1.0",
    title_fa="کانون‌های همیاری اجتماعی",
    title_en="Cooperation centres",
    package=__name__,
    # A centre links cores and splits its customers' orders among them.
    requires=("cores",),
    description_fa="کانون‌های محلی اعضا: هسته‌های عضو، و سفارش‌های بیرونی که راهبر کانون میان هسته‌ها پخش می‌کند.",
    description_en="Local associations of members: their cores, and outside orders the centre's leader "
    "shares among the cores.",
    icon="people",
)
