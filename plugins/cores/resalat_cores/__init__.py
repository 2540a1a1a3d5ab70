"""The cores plugin (هسته‌های کارآفرینی اجتماعی): the registry of social entrepreneurship cores."""

from resalat_core.sdk import Persona, Plugin, Role, _l

plugin = Plugin(
    name="cores",
    sdk=">=1.6,<2",
    title=_l("Entrepreneurship cores"),
    package=__name__,
    requires=(),
    description=_l("Family business cores: registration, core ID, leader and members, field and place."),
    icon="people",
    roles=(
        Role(
            "core_leader",
            _l("Core leader"),
            description=_l("Leads a family's social entrepreneurship core."),
            personas=(
                Persona(
                    "core_leader", "جعفر قراجه‌لو", "09120000003", "001000003", "zanjan/gorg-tappeh", "zanjan"
                ),
            ),
        ),
    ),
)
