"""The cores plugin (هسته‌های کارآفرینی اجتماعی): the registry of social entrepreneurship cores."""

from resalat_core.sdk import Plugin

plugin = Plugin(
    name="cores",
    version="0.1.0",
    title_fa="هسته‌های کارآفرینی اجتماعی",
    title_en="Entrepreneurship cores",
    package=__name__,
    requires=(),
    description_fa="ثبت هسته‌های خانوادگی کسب‌وکار، شناسه‌ی هسته، راهبر و اعضای هسته، رشته و محل.",
    description_en="Family business cores: registration, core ID, leader and members, field and place.",
    icon="people",
)
