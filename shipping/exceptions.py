from core.errors import Conflict, DomainError


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    default_detail = "There is not enough stock."


class ZipcodeNotServiceable(DomainError):
    code = "zipcode_not_serviceable"
    status = 422
    pointer = "/data/attributes/zipcode"
    default_detail = "No stock location serves this zipcode."


class RentalDatesInvalid(DomainError):
    code = "rental_dates_invalid"
    status = 422
    pointer = "/data/attributes/rental_start_date"
    default_detail = "The rental must end after it starts."
