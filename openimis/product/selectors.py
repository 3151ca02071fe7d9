"""Reads of the product module, with row security: a user who is not an administrator sees national
products and those of their districts (and of the regions of their districts)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from openimis.core import selectors as core_selectors
from openimis.location import selectors as location_selectors
from openimis.product.models import Product, ProductItem, ProductService, RelativeDistribution


def current_products() -> QuerySet:
    return Product.objects.current()


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """Narrow a product queryset to the rows `user` may see (None: the system itself, which sees all)."""
    if user is not None and not user.is_authenticated:
        return queryset.none()
    if location_selectors.sees_every_location(user):
        return queryset
    districts = location_selectors.districts_of_user(user)
    return queryset.filter(Q(location__isnull=True) | Q(location_id__in=districts.values("id"))
                           | Q(location_id__in=districts.values("parent_id")))


def products(user, show_history: bool = False) -> QuerySet:
    queryset = Product.objects.all() if show_history else current_products()
    return visible_to(queryset, user)


def product_by(user, uuid: str | None = None, pk=None) -> Product | None:
    """One product by uuid (the current row, else the newest row holding that uuid) or by id."""
    queryset = visible_to(Product.objects.all(), user).select_related("location__parent",
                                                                       "conversion_product")
    return core_selectors.row_by(queryset, uuid, pk)


def code_is_free(code: str, except_id: int | None = None) -> bool:
    queryset = current_products().filter(code=code)
    if except_id is not None:
        queryset = queryset.exclude(id=except_id)
    return not queryset.exists()


def lines_of(product: Product, model) -> QuerySet:
    """The items (or services, distributions) of a product: the current ones of a current product, all
    of a history row (they were moved there when the product changed)."""
    queryset = model.objects.filter(product=product)
    return queryset.current() if product.is_current else queryset


def product_items(product: Product) -> QuerySet:
    return lines_of(product, ProductItem).order_by("id")


def product_services(product: Product) -> QuerySet:
    return lines_of(product, ProductService).order_by("id")


def relative_distributions(product: Product) -> QuerySet:
    return lines_of(product, RelativeDistribution)


def parent_of_location(location_id) -> QuerySet:
    """The parent id of a location (as a subquery): a district's products include its region's."""
    return location_selectors.current_locations().filter(id=location_id).values("parent_id")
