"""The value chain plugin (زنجیره‌ی ارزش): goods, fields' inputs and outputs, suppliers, buyers and needs."""

from resalat_core.sdk import Persona, Plugin, Role, _l

# The role of an organisation that posts needs (a cooperative, a company buying for its people).
ORGANISATION = "value_chain_organisation"

plugin = Plugin(
    name="value_chain",
    sdk=">=1.4,<2",
    title=_l("Value chain"),
    package=__name__,
    # Fields and cores come from the cores registry, booths and their categories from M-Bazar, and
    # a made link is the guides plugin's link between two cores (its target leader still answers).
    requires=("cores", "bazaar", "guides"),
    description=_l(
        "Goods and what each field needs and makes; a core's nearest suppliers and buyers; suggested "
        "links between cores; organisations' needs answered by cores."
    ),
    icon="diagram-3",
    settings={
        # Suggestions kept for one input good of one core: the nearest sources only.
        "suggestions_per_input": 3,
    },
    roles=(
        Role(
            ORGANISATION,
            _l("Buying organisation"),
            description=_l("An organisation that posts what it needs for cores to supply."),
            permissions=("value_chain.post_need",),
            personas=(
                Persona(
                    ORGANISATION,
                    "تعاونی پوشاک ایران‌زمین",
                    "09120000017",
                    "001000017",
                    "tehran",
                    "tehran",
                ),
            ),
        ),
    ),
)
