"""The notifications M-Aghsat sends: each kind declared once, its words in the catalogue."""

from resalat_core.sdk import MessageKind, _l

DUE = MessageKind(
    "instalment_due",
    _l("An instalment falls due"),
    _l("Instalment %(seq)s of purchase no. %(purchase)s, %(amount)s, is due on %(due)s."),
)
COLLECTED = MessageKind(
    "instalment_collected",
    _l("Instalment paid"),
    _l("%(amount)s was paid from your main account for purchase no. %(purchase)s."),
)
OVERDUE = MessageKind(
    "instalment_overdue",
    _l("An instalment is overdue"),
    _l("Purchase no. %(purchase)s is %(bucket)s: %(amount)s is overdue. Top up your main account to pay it."),
)
REPAID = MessageKind(
    "purchase_repaid",
    _l("Instalments finished"),
    _l("Every instalment of purchase no. %(purchase)s is paid. Thank you."),
)
CANCELLED = MessageKind(
    "purchase_cancelled",
    _l("Instalment purchase cancelled"),
    _l(
        "Order %(order)s was cancelled, so purchase no. %(purchase)s is too; "
        "%(amount)s of instalments went back."
    ),
)
SUPPORTED = MessageKind(
    "purchase_supported",
    _l("A supporter paid towards your instalments"),
    _l("%(supporter)s paid %(amount)s towards purchase no. %(purchase)s."),
)
