from core.errors import Conflict, DomainError, NotFound


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_detail = "Order not found."


class OrderTransitionNotAllowed(Conflict):
    code = "transition_not_allowed"
    default_detail = "The order cannot make this transition in its current state."


class OrderTransitionForbidden(DomainError):
    code = "transition_forbidden"
    status = 403
    default_detail = "You are not allowed to make this transition."
