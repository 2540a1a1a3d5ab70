"""The notifications festivals send: a core's application accepted or declined, a festival cancelled."""

from resalat_core.sdk import MessageKind, _l

# To the core's leader when the organiser accepts the core's application. Variables: ``core``,
# ``festival`` (names as typed), ``starts`` (a Day) and ``place`` (Named).
APPLICATION_ACCEPTED = MessageKind(
    "festival.application_accepted",
    _l("%(core)s has a booth at %(festival)s"),
    _l("The organiser accepted your core's application. The fair starts on %(starts)s in %(place)s."),
)

# To the core's leader when the organiser declines it. Variables: ``core`` and ``festival``.
APPLICATION_DECLINED = MessageKind(
    "festival.application_declined",
    _l("%(core)s's application to %(festival)s was declined"),
    _l("The organiser could not give your core a booth at this fair."),
)

# To the leaders of every core that applied (waiting or accepted) when the organiser cancels the
# festival. Variables: ``festival`` and ``starts`` (a Day).
FESTIVAL_CANCELLED = MessageKind(
    "festival.cancelled",
    _l("%(festival)s was cancelled"),
    _l("The fair that was to start on %(starts)s will not be held; your core's application is closed."),
)
