"""Shared parameter types: database ids within the range every database can store."""

from typing import Annotated

from ninja import Field

MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
