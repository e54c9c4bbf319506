"""The API's lists: Ninja's limit/offset pagination with an offset a database can take."""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Past any table this project keeps, and well inside a signed 64-bit integer (SQLite refuses past 2**63 - 1,
# PostgreSQL past 2**63 - 1 as well): a larger offset is a 422, not a database error.
MAX_OFFSET = 2**31 - 1


class PageIn(Schema):
    limit: int = Field(
        settings.NINJA_PAGINATION_PER_PAGE,
        ge=1,
        le=settings.NINJA_PAGINATION_MAX_LIMIT,
        description="how many items to return",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="how many items to skip")


class Pagination(LimitOffsetPagination):
    Input = PageIn
