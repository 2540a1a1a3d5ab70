"""The cooperation centres' rules, one face for pages, the API, the CLI, the hooks and other plugins.

No Flask here. The rooms, by responsibility:

- ``registry``: who may register and manage a centre, registering, finding and counting centres;
- ``members``: a centre's members and its cores (a core belongs to one centre at most);
- ``orders``: an outside order recorded, shared among the cores under a lock, cancelled, followed;
- ``deliveries``: a core leader's side, answering a share and reporting what was delivered;
- ``telling``: who is notified of what; ``checks``: what the rules accept (typed values).

Public for other plugins (``supporters`` requires this one): ``Centre``, ``CentreMember``,
``get_centre``, ``centres_query``, ``centres_of_member`` (and its query), ``centre_member_ids``,
``register_centre`` and ``add_member``.
"""

from __future__ import annotations

from resalat_centers.models import Centre, CentreCore, CentreMember, Delivery, Order, Share
from resalat_centers.services.checks import QUANTITY_MAX
from resalat_centers.services.deliveries import (
    accept_share,
    awaiting_answer,
    decline_share,
    deliveries_of,
    get_share,
    led_core_ids,
    my_shares_query,
    report_delivery,
)
from resalat_centers.services.members import (
    active_cores_of,
    add_member,
    centre_cores_query,
    find_core,
    is_in_centre,
    link_core,
    members_query,
    remove_member,
    unlink_core,
)
from resalat_centers.services.orders import (
    SPLIT_MAX,
    CoreProgress,
    SharePart,
    cancel_order,
    create_order,
    get_order,
    order_by_id,
    order_progress,
    order_shares_query,
    orders_query,
    split_order,
)
from resalat_centers.services.registry import (
    MANAGE,
    REGISTER,
    CentreCounts,
    Figures,
    centre_counts,
    centre_member_ids,
    centres_of_member,
    centres_of_member_query,
    centres_query,
    figures,
    get_centre,
    may_manage,
    may_register,
    register_centre,
    require_manager,
)

__all__ = [
    "MANAGE",
    "QUANTITY_MAX",
    "REGISTER",
    "SPLIT_MAX",
    "Centre",
    "CentreCore",
    "CentreCounts",
    "CentreMember",
    "CoreProgress",
    "Delivery",
    "Figures",
    "Order",
    "Share",
    "SharePart",
    "accept_share",
    "active_cores_of",
    "add_member",
    "awaiting_answer",
    "cancel_order",
    "centre_cores_query",
    "centre_counts",
    "centre_member_ids",
    "centres_of_member",
    "centres_of_member_query",
    "centres_query",
    "create_order",
    "decline_share",
    "deliveries_of",
    "figures",
    "find_core",
    "get_centre",
    "get_order",
    "get_share",
    "is_in_centre",
    "led_core_ids",
    "link_core",
    "may_manage",
    "may_register",
    "members_query",
    "my_shares_query",
    "order_by_id",
    "order_progress",
    "order_shares_query",
    "orders_query",
    "register_centre",
    "remove_member",
    "report_delivery",
    "require_manager",
    "split_order",
    "unlink_core",
]
