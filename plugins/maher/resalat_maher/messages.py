"""M-Maher's notifications: a recommended course, a mentoring request and its answer, a certificate."""

from resalat_core.sdk import MessageKind, _l

# Variables: guide (their name), course (its title).
RECOMMENDED = MessageKind(
    "maher.recommended",
    _l("%(guide)s recommends the course %(course)s"),
    _l("Open M-Maher to read the note and enrol."),
)
# Variables: learner (their name), skill (its name).
MENTORING_ASKED = MessageKind(
    "maher.mentoring_asked",
    _l("%(learner)s asks you for mentoring in %(skill)s"),
    _l("Accept or decline it on your mentoring page."),
)
MENTORING_ACCEPTED = MessageKind(
    "maher.mentoring_accepted",
    _l("%(mentor)s accepted your mentoring request in %(skill)s"),
    _l("Arrange a time together."),
)
MENTORING_DECLINED = MessageKind(
    "maher.mentoring_declined",
    _l("%(mentor)s declined your mentoring request in %(skill)s"),
    _l("Find another coach in M-Maher."),
)
# Variables: course (its title).
COMPLETED = MessageKind(
    "maher.completed",
    _l("You completed the course %(course)s"),
    _l("Your certificate and its verification link are in M-Maher."),
)
