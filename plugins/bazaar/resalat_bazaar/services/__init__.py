"""M-Bazar's rules, and the public face other plugins import (``from resalat_bazaar import services``).

Pages, the API and the CLI call these; nothing here commits (the caller's transaction decides),
and every rule lives once, in the module named by its responsibility:

- ``catalogue``: categories, booths and products as people see them, hiding, reputation;
- ``search``: the Persian full-text search and its filters;
- ``cart``: the member's cart across booths;
- ``checkout``: paying the cart into escrow, all or nothing, and the other ways to pay offered;
  and ``place_order``, an order another plugin places for a buyer (not their cart) at a price
  agreed below the listed one, paid from an account it names (a group purchase's pooled money);
- ``money``: escrow, the order's ledger transfers and the spend policy for loan money;
- ``orders``: an order's life after checkout, and telling each side;
- ``seller``: opening booths, listing products and photos, the seller's and the market's figures;
- ``imports``: a catalogue imported from CSV;
- ``access``, ``fields``, ``labels``: permissions and settings, the checks of typed fields, and
  what a person reads for each code.

Services take typed values (integer rials, whole numbers, ids); what people type is read at the
edge (``resalat_bazaar.forms``, the host's ``read_money``).

The modules ``search``, ``cart`` and ``checkout`` share their names with the functions this face
exports (``services.checkout`` is the function): reach a module's other names with
``from resalat_bazaar.services.search import SEARCH_COUNT_CAP``.
"""

from typing import Any

from resalat_bazaar.hookspecs import FIRST, REST, DeliveryQuote, Due, PaymentMethod, PaymentPart, Reputation
from resalat_bazaar.models import (
    ACCEPTED,
    BOOTH_CLOSED,
    BOOTH_OPEN,
    CANCELLED,
    COMPLETED,
    DELIVERED,
    DELIVERY_OPTIONS,
    FUND_BOTH,
    FUND_EARMARKED,
    FUND_MAIN,
    FUNDINGS,
    KINDS,
    OPEN_STATUSES,
    ORDER_STATUSES,
    PLACED,
    PROGRAMMES,
    REFUNDED,
    SHIPPED,
    UNITS,
    Booth,
    CartItem,
    Category,
    Checkout,
    Order,
    OrderEvent,
    OrderItem,
    OrderPayment,
    Product,
    ProductPhoto,
)
from resalat_bazaar.services.access import ADMIN, SELL, is_admin, may_sell, setting
from resalat_bazaar.services.cart import (
    CART_LINES_MAX,
    MAX_QUANTITY,
    Cart,
    CartGroup,
    CartLine,
    add_to_cart,
    cart,
    cart_count,
    remove_from_cart,
    set_cart_quantity,
)
from resalat_bazaar.services.catalogue import (
    DEFAULT_CATEGORIES,
    CategoryRow,
    CategoryTree,
    booth_products,
    booth_region_id,
    booths_of,
    booths_of_query,
    booths_query,
    categories,
    category_name,
    category_tree,
    ensure_categories,
    get_booth,
    get_product,
    is_for_sale,
    is_owner,
    may_see_booth,
    may_see_product,
    owned_booth,
    owned_product,
    reputation,
    set_booth_hidden,
    set_product_hidden,
    visible_booth,
    visible_product,
)
from resalat_bazaar.services.checkout import (
    CheckoutRequest,
    CheckoutResult,
    DeliveryOffer,
    checkout,
    delivery_offers,
    delivery_quote,
    delivery_quotes,
    payment_methods,
    place_order,
    reserve_stock,
)
from resalat_bazaar.services.imports import CSV_COLUMNS, ImportRefused, import_products, read_csv
from resalat_bazaar.services.labels import (
    BOOTH_STATUS_LABELS,
    DELIVERY_LABELS,
    KIND_LABELS,
    PERIODS,
    PROGRAMME_LABELS,
    SORTS,
    STATUS_LABELS,
    UNIT_LABELS,
    delivery_label,
    payment_label,
    programme_label,
    status_label,
    tomans,
    unit_label,
)
from resalat_bazaar.services.money import (
    PURCHASE,
    REFUND,
    SALE,
    earmarked_accounts,
    escrow_balance,
    open_orders_total,
    spend_allowed,
    spend_details,
)
from resalat_bazaar.services.orders import (
    ACTION_LABELS,
    ACTIONS,
    actions_for,
    buyer_completed_order_with,
    complete_due,
    counts_by_status,
    due_count,
    get_order,
    order_detail,
    orders_query,
    orders_to_handle,
    role_in,
    transition,
    visible_order,
)
from resalat_bazaar.services.search import (
    SEARCH_COUNT_CAP,
    SearchFilters,
    count_products,
    read_search_filters,
    reindex,
    search,
    search_query,
)
from resalat_bazaar.services.seller import (
    MAX_STOCK,
    Dashboard,
    MarketFigures,
    SalesPoint,
    TopProduct,
    add_product_photo,
    create_product,
    market_figures,
    open_booth,
    open_shop,
    remove_product_photo,
    sales_series,
    seller_dashboard,
    set_booth_photo,
    update_booth,
    update_product,
)


def demo_orders(session: Any, buyer: Any, lines: Any, **kw: Any) -> Any:
    """The demo's rows of placed orders (``resalat_bazaar.demo.add_orders``), for the plugins
    whose demo rows are paid M-Bazar orders (pay later, instalments)."""
    from resalat_bazaar.demo import add_orders  # the demo imports these services

    return add_orders(session, buyer, lines, **kw)


__all__ = [
    # models, statuses and codes
    "ACCEPTED",
    "BOOTH_CLOSED",
    "BOOTH_OPEN",
    "CANCELLED",
    "COMPLETED",
    "DELIVERED",
    "DELIVERY_OPTIONS",
    "FUNDINGS",
    "FUND_BOTH",
    "FUND_EARMARKED",
    "FUND_MAIN",
    "KINDS",
    "OPEN_STATUSES",
    "ORDER_STATUSES",
    "PLACED",
    "PROGRAMMES",
    "REFUNDED",
    "SHIPPED",
    "UNITS",
    "Booth",
    "CartItem",
    "Category",
    "Checkout",
    "Order",
    "OrderEvent",
    "OrderPayment",
    "OrderItem",
    "Product",
    "ProductPhoto",
    # values of M-Bazar's hooks
    "DeliveryQuote",
    "DeliveryOffer",
    "Due",
    "FIRST",
    "PaymentMethod",
    "PaymentPart",
    "REST",
    "Reputation",
    # access and labels
    "ADMIN",
    "SELL",
    "is_admin",
    "may_sell",
    "setting",
    "BOOTH_STATUS_LABELS",
    "DELIVERY_LABELS",
    "KIND_LABELS",
    "PERIODS",
    "PROGRAMME_LABELS",
    "SORTS",
    "STATUS_LABELS",
    "UNIT_LABELS",
    "delivery_label",
    "payment_label",
    "programme_label",
    "status_label",
    "tomans",
    "unit_label",
    # catalogue
    "DEFAULT_CATEGORIES",
    "CategoryRow",
    "CategoryTree",
    "booth_products",
    "booth_region_id",
    "booths_of",
    "booths_of_query",
    "booths_query",
    "categories",
    "category_name",
    "category_tree",
    "ensure_categories",
    "get_booth",
    "get_product",
    "is_for_sale",
    "is_owner",
    "may_see_booth",
    "may_see_product",
    "owned_booth",
    "owned_product",
    "reputation",
    "set_booth_hidden",
    "set_product_hidden",
    "visible_booth",
    "visible_product",
    # search
    "SEARCH_COUNT_CAP",
    "SearchFilters",
    "count_products",
    "read_search_filters",
    "reindex",
    "search",
    "search_query",
    # cart and checkout
    "CART_LINES_MAX",
    "MAX_QUANTITY",
    "Cart",
    "CartGroup",
    "CartLine",
    "CheckoutRequest",
    "CheckoutResult",
    "add_to_cart",
    "cart",
    "cart_count",
    "checkout",
    "delivery_offers",
    "delivery_quote",
    "delivery_quotes",
    "payment_methods",
    "place_order",
    "remove_from_cart",
    "reserve_stock",
    "set_cart_quantity",
    # money
    "PURCHASE",
    "REFUND",
    "SALE",
    "earmarked_accounts",
    "escrow_balance",
    "open_orders_total",
    "spend_allowed",
    "spend_details",
    # orders
    "ACTIONS",
    "ACTION_LABELS",
    "actions_for",
    "buyer_completed_order_with",
    "complete_due",
    "counts_by_status",
    "due_count",
    "get_order",
    "order_detail",
    "orders_query",
    "orders_to_handle",
    "role_in",
    "transition",
    "visible_order",
    # the seller
    "MAX_STOCK",
    "Dashboard",
    "MarketFigures",
    "SalesPoint",
    "TopProduct",
    "add_product_photo",
    "create_product",
    "open_shop",
    "market_figures",
    "open_booth",
    "remove_product_photo",
    "sales_series",
    "seller_dashboard",
    "set_booth_photo",
    "update_booth",
    "update_product",
    # imports
    "CSV_COLUMNS",
    "ImportRefused",
    "import_products",
    "read_csv",
    # demo rows
    "demo_orders",
]
