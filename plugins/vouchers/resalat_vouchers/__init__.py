"""The vouchers plugin (بن): vouchers issued in funded batches, spent at M-Bazar's checkout or at a booth."""

from resalat_core.sdk import Persona, Plugin, Purpose, Role, SystemAccount, _l

NAME = "vouchers"
# The ledger: every voucher's balance sits in the float; an administrator's batches are paid
# from the budget, which is filled from outside like the loan fund.
FLOAT = "vouchers_float"
BUDGET = "vouchers_budget"
# Why money moved (statement lines).
FUNDED = "voucher_budget_funded"
ISSUED = "voucher_batch_issued"
SPENT = "voucher_spent"
CHARGED = "voucher_booth_charge"
RETURNED = "voucher_expired_returned"
# The role of an organisation that gives vouchers to its people.
ORGANISATION = "vouchers_organisation"
# Who may issue from the budget (administrators hold every permission in their region).
ISSUE = f"{NAME}.issue"

plugin = Plugin(
    name=NAME,
    title=_l("Vouchers"),
    package=__name__,
    sdk=">=1.7,<2",  # BigId and widen_ids
    requires=("bazaar", "supporters"),
    description=_l("Vouchers from administrators, supporters and organisations, spent in M-Bazar."),
    icon="ticket-perforated",
    roles=(
        Role(
            ORGANISATION,
            _l("Organisation giving vouchers"),
            description=_l("Gives vouchers to its own people, paid from its main account."),
            personas=(
                Persona(
                    "organisation",
                    "تعاونی کارکنان زنجان",
                    "09120000013",
                    "001000013",
                    "zanjan/zanjan",
                    "zanjan",
                ),
            ),
        ),
    ),
    accounts=(
        SystemAccount(FLOAT, _l("Vouchers' float")),
        SystemAccount(BUDGET, _l("Vouchers' budget")),
    ),
    purposes=(
        Purpose(FUNDED, _l("Vouchers' budget funded")),
        Purpose(ISSUED, _l("Vouchers issued"), detail=_l("Batch %(batch)s")),
        Purpose(SPENT, _l("Paid with a voucher"), detail=_l("Voucher %(voucher)s, order %(order)s")),
        Purpose(CHARGED, _l("Voucher charged at a booth"), detail=_l("Voucher %(voucher)s, %(booth)s")),
        Purpose(RETURNED, _l("Expired voucher returned"), detail=_l("Voucher %(voucher)s")),
    ),
    settings={
        # The most vouchers one batch may hold, and the longest a voucher may stay valid.
        "batch_max": 500,
        "valid_days_max": 730,
    },
)
