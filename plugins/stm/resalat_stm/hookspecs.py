"""The hook M-ST offers: every change of a shipment's status, for others (insurance) to follow.

It is called only for plugins active in the buyer's region (``region_hook``). A plugin that
follows shipments without requiring this one marks its answer ``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resalat_core.sdk import hookspec

if TYPE_CHECKING:
    from resalat_stm.models import Shipment


@hookspec
def resalat_shipment_changed(shipment: Shipment) -> None:
    """A shipment was created or its status changed.

    When: as M-ST creates the shipment of a paid order (status ``"created"``), and after every
    later change: ``"assigned"`` (an operator accepted it), ``"picked_up"``, ``"in_transit"``,
    ``"delivered"`` (with the buyer's code), ``"failed"``, ``"returned"`` or ``"cancelled"``.
    Arguments: ``shipment``, flushed, with ``order_id``, ``status``, ``weight_grams``, ``fee``,
    ``buyer_id``, ``seller_id`` and its ``events``. Transaction: the change's, not yet committed:
    write through ``object_session(shipment)``. An exception refuses the change (nothing of it is
    kept; at creation, the whole checkout is refused).

    Example::

        @hookimpl(optionalhook=True)
        def resalat_shipment_changed(shipment):
            if shipment.status == "created":
                services.offer_parcel_cover(object_session(shipment), shipment)
    """
