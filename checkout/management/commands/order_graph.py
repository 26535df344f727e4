from django.core.management.base import BaseCommand
from django_fsm.management.commands.graph_transitions import generate_dot, one_fsm_fields_data

from checkout.models import CheckoutDraft, Order
from payments.models import Payment
from shipping.models import Shipment

MACHINES = {
    "state": (Order, "state"),
    "draft": (CheckoutDraft, "state"),
    "payment_state": (Order, "payment_state"),
    "shipment_state": (Order, "shipment_state"),
    "payment": (Payment, "state"),
    "shipment": (Shipment, "state"),
}


class Command(BaseCommand):
    help = (
        "Print a state machine as Graphviz dot text (default: the order's checkout flow; "
        "`draft`: the step checkout's flow a shopper walks before the order is placed). "
        "Render it with e.g. `python manage.py order_graph | dot -Tpng -o order.png`."
    )

    def add_arguments(self, parser):
        parser.add_argument("machine", nargs="?", default="state", choices=sorted(MACHINES),
                            help="Which state machine to draw (default: %(default)s).")

    def handle(self, *args, machine: str, **options):
        model, field = MACHINES[machine]
        self.stdout.write(stable_dot(generate_dot([one_fsm_fields_data(model, field)]).source))


def stable_dot(source: str) -> str:
    """django-fsm emits nodes and edges in set order; sort them so the same graph prints the same text."""
    lines = source.splitlines()
    body = [line for line in lines if line.startswith('\t\t"')]
    nodes = sorted(line for line in body if " -> " not in line)
    edges = sorted(line for line in body if " -> " in line)
    first = lines.index(body[0]) if body else len(lines) - 2
    frame = [line for line in lines if line not in body]
    return "\n".join(frame[:first] + nodes + edges + frame[first:]) + "\n"
