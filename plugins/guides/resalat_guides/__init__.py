"""The guides plugin (رهیاران): candidates, advice, registering their cores, and links between cores."""

from resalat_core.sdk import Persona, Plugin, Role, _l

plugin = Plugin(
    name="guides",
    sdk=">=1.6,<2",
    title=_l("Guides"),
    package=__name__,
    # A candidate becomes a core through the cores registry, and links join two of its cores.
    requires=("cores",),
    description=_l("The area's guide finds candidates, advises them, registers their cores and links cores."),
    icon="compass",
    roles=(
        Role(
            "guide",
            _l("Guide"),
            # A guide looks members up to register them as candidates and cores, and reviews the
            # cores of their area (approves them, suspends and reactivates them).
            permissions=("core.members.view", "cores.approve", "cores.suspend"),
            description=_l("Finds and advises candidates in an area and registers their cores."),
            personas=(
                Persona("guide", "علی رهیار زنجانی", "09120000005", "001000005", "zanjan/zanjan", "zanjan"),
            ),
        ),
    ),
)
