from core.errors import NotFound


class ProductNotFound(NotFound):
    code = "302"
    default_detail = "Concrete product is not found."
