"""The maher plugin (ام‌ماهر, M-Maher): members' skills, courses with certificates, mentoring, coaches."""

from resalat_core.sdk import Plugin, _l

plugin = Plugin(
    name="maher",
    sdk=">=1.7,<2",  # BigId and widen_ids
    title=_l("M-Maher"),
    package=__name__,
    # A skill and a course are in one of the cores' fields of work (cores' public services).
    requires=("cores",),
    description=_l("Every member a learner and a coach: skills, courses with certificates, mentoring."),
    icon="mortarboard",
)
