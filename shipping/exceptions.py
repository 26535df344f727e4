from core.errors import Conflict, DomainError


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    default_detail = "There is not enough stock."


class ZipcodeNotServiceable(DomainError):
    code = "zipcode_not_serviceable"
    status = 422
    field = ("zipcode",)
    default_detail = "No stock location serves this zipcode."


class RentalDatesInvalid(DomainError):
    code = "rental_dates_invalid"
    status = 422
    field = ("rental", "starts_at")
    default_detail = "The rental must end after it starts."


class StockAdjustmentInvalid(DomainError):
    code = "stock_adjustment_invalid"
    status = 422
    default_detail = "A stock count is a whole number of at least zero, and a change needs a reason."


class StockChangedMeanwhile(Conflict):
    """The count staff saw is not the count any more (an order took or gave back stock)."""

    code = "stock_changed_meanwhile"
    default_detail = "The stock count changed meanwhile. Check it and try again."
