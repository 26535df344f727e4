from core.errors import Conflict


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    default_detail = "There is not enough stock."
