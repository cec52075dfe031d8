"""API models of reporting periods."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator
from smartcity_kit.fielderrors import field_refusal
from smartcity_kit.schemas import IsoDate, StrictModel

from ..vocabulary import PERIOD_CODE, PeriodStatus


class PeriodIn(StrictModel):
    code: str = Field(pattern=PERIOD_CODE, examples=["2027-S1"], description="Year and S1/S2, Q1-Q4 or Y.")
    starts_on: IsoDate
    ends_on: IsoDate
    due_on: IsoDate = Field(description="Reports submitted after this day (in the region's zone) are marked late.")
    locks_on: IsoDate = Field(description="After this day submissions are refused unless an operator reopens one.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> "PeriodIn":
        if int(self.code[:4]) != self.starts_on.year:
            raise field_refusal("start_outside_year", "starts_on lies in the year the code names.")
        if not self.starts_on <= self.ends_on:
            raise field_refusal("ends_before_start", "ends_on comes on or after starts_on.")
        if not self.starts_on <= self.due_on <= self.locks_on:
            raise field_refusal("dates_out_of_order", "The dates go starts_on <= due_on <= locks_on.")
        return self


class PeriodOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    year: int
    starts_on: date
    ends_on: date
    due_on: date
    locks_on: date
    status: PeriodStatus
    opened_at: datetime
    opened_by: str
    locked_at: datetime | None
    locked_by: str | None
