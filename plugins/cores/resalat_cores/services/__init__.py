"""The cores' rules, one face for pages, the API, the CLI and the plugins that build on cores.

Guides, leaders, supporters, centers and M-Bazar import ``resalat_cores.services`` and nothing
deeper, so the rooms behind it may move. No Flask here, and nothing commits: the caller's
transaction decides.

- ``registry``: fields of work, registering a core with its family, finding one by id or core ID;
- ``review``: approving a candidate (its core ID), suspending and reactivating, a reviewer's queue;
- ``members``: a core's people and its history, and linking those who join M-Resalat later;
- ``search``: the public search and its filters, a member's cores, counts;
- ``access``: who may review or manage a core (by permission, never by a role's name).
"""

from resalat_cores.models import (
    ACTIVE,
    CANDIDATE,
    RELATIONS,
    STATUSES,
    SUSPENDED,
    Core,
    CoreMember,
    CoreStatusChange,
    Field,
)
from resalat_cores.services.access import APPROVE, SUSPEND, may_manage, may_review, review_area
from resalat_cores.services.members import (
    add_core_member,
    core_members,
    core_members_query,
    history_query,
    link_joined_member,
    remove_core_member,
)
from resalat_cores.services.registry import (
    DEFAULT_FIELDS,
    FAMILY_RELATIONS,
    RELATION_LABELS,
    STATUS_LABELS,
    add_field,
    ensure_default_fields,
    fields,
    get_core,
    get_core_by_code,
    get_field,
    register_core,
    unknown_status,
    visible_core,
)
from resalat_cores.services.review import (
    PROVINCE_ABBREVIATIONS,
    approve_core,
    core_id_prefix,
    province_abbreviation,
    queue_query,
    reactivation_status,
    set_status,
)
from resalat_cores.services.search import (
    active_by_field,
    active_cores_led,
    active_cores_led_by_member,
    cores_by_status,
    cores_led_by,
    cores_of_member,
    cores_of_member_query,
    cores_query,
    count_cores,
    provinces_and_places,
    region_with_places,
    search_filters,
)

__all__ = [
    "ACTIVE",
    "APPROVE",
    "CANDIDATE",
    "DEFAULT_FIELDS",
    "FAMILY_RELATIONS",
    "PROVINCE_ABBREVIATIONS",
    "RELATIONS",
    "RELATION_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "SUSPEND",
    "SUSPENDED",
    "Core",
    "CoreMember",
    "CoreStatusChange",
    "Field",
    "active_cores_led",
    "active_cores_led_by_member",
    "add_core_member",
    "add_field",
    "approve_core",
    "core_id_prefix",
    "core_members",
    "core_members_query",
    "active_by_field",
    "cores_by_status",
    "cores_led_by",
    "cores_of_member",
    "cores_of_member_query",
    "cores_query",
    "count_cores",
    "ensure_default_fields",
    "fields",
    "history_query",
    "get_core",
    "get_core_by_code",
    "get_field",
    "link_joined_member",
    "may_manage",
    "may_review",
    "province_abbreviation",
    "provinces_and_places",
    "queue_query",
    "reactivation_status",
    "region_with_places",
    "register_core",
    "remove_core_member",
    "review_area",
    "search_filters",
    "set_status",
    "unknown_status",
    "visible_core",
]
