"""The guides' rules, one face for pages, the API, the CLI and the demo.

No Flask here, and nothing commits: the caller's transaction decides.

- ``area``: where a member acts as a guide (``GuideScope``), and the checks every form shares;
- ``candidates``: recording candidates, listing them in the order of work, moving them along;
- ``advice``: the advice log;
- ``conversion``: registering a candidate's core in the cores registry, or linking it;
- ``links``: value-chain links between cores, suggested by guides and answered by leaders;
- ``dashboard``: a guide's figures, follow-ups due and links waiting, and the admins' counts.
"""

from resalat_guides.services.advice import advice_of, advise
from resalat_guides.services.area import (
    MANAGE,
    GuideScope,
    area_regions,
    field_choices,
    guide_scope,
    scope_of,
    today,
)
from resalat_guides.services.candidates import (
    CAN_REGISTER_CORE,
    INTENT_LABELS,
    STATUS_LABELS,
    TRANSITIONS,
    allowed_statuses,
    booth_opened_for_core,
    candidates_query,
    check_status_filter,
    get_candidate,
    history_of,
    list_candidates,
    record_candidate,
    set_status,
)
from resalat_guides.services.conversion import attach_core, core_of, leader_for, register_candidate_core
from resalat_guides.services.dashboard import (
    DASHBOARD_ROWS,
    Dashboard,
    candidates_by_status,
    candidates_count,
    dashboard,
    follow_ups_due,
)
from resalat_guides.services.links import (
    LINK_STATUS_LABELS,
    area_cores,
    area_links,
    area_links_query,
    check_link_status_filter,
    decide_link,
    find_cores,
    get_area_link,
    leader_links,
    links_for_leader,
    pending_for_leader,
    suggest_link,
)

__all__ = [
    "CAN_REGISTER_CORE",
    "DASHBOARD_ROWS",
    "INTENT_LABELS",
    "LINK_STATUS_LABELS",
    "MANAGE",
    "STATUS_LABELS",
    "TRANSITIONS",
    "Dashboard",
    "GuideScope",
    "advice_of",
    "advise",
    "allowed_statuses",
    "area_cores",
    "area_links",
    "area_links_query",
    "area_regions",
    "attach_core",
    "booth_opened_for_core",
    "candidates_by_status",
    "candidates_count",
    "candidates_query",
    "check_link_status_filter",
    "check_status_filter",
    "core_of",
    "dashboard",
    "decide_link",
    "field_choices",
    "find_cores",
    "follow_ups_due",
    "get_area_link",
    "get_candidate",
    "guide_scope",
    "history_of",
    "leader_for",
    "leader_links",
    "list_candidates",
    "links_for_leader",
    "pending_for_leader",
    "record_candidate",
    "register_candidate_core",
    "scope_of",
    "set_status",
    "suggest_link",
    "today",
]
