"""History rows of transitions: written at once, or together at the end of a batch."""

import pytest
from django_fsm_log.models import StateLog

from core.fsm_log import state_logs_batched
from payments.models import Payment, PaymentState
from tests.factories import PaymentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_outside_a_batch_each_transition_is_recorded_as_it_happens():
    payment = Payment.objects.get(pk=PaymentFactory().pk)
    payment.authorize()
    assert StateLog.objects.for_(payment).count() == 1


def test_a_batch_writes_its_rows_together_at_its_end_with_who_made_them():
    user = UserFactory(staff=True)
    payment = Payment.objects.get(pk=PaymentFactory().pk)
    with state_logs_batched():
        payment.authorize(by=user)
        payment.capture(by=user)
        payment.save()
        assert not StateLog.objects.for_(payment).exists()
    rows = list(StateLog.objects.for_(payment).order_by("pk").values_list("source_state", "state", "by"))
    assert rows == [(PaymentState.CHECKOUT, PaymentState.PENDING, user.pk),
                    (PaymentState.PENDING, PaymentState.COMPLETED, user.pk)]


def test_a_transition_of_an_object_saved_later_in_the_batch_is_recorded_with_its_id():
    template = PaymentFactory()
    with state_logs_batched():
        payment = Payment(order=template.order, method=template.method, amount=100, currency="EUR")
        payment.authorize()
        payment.save(force_insert=True)
    assert StateLog.objects.for_(payment).get().state == PaymentState.PENDING


def test_a_batch_that_fails_writes_no_rows():
    payment = Payment.objects.get(pk=PaymentFactory().pk)
    with pytest.raises(ValueError), state_logs_batched():
        payment.authorize()
        raise ValueError("the placement failed")
    assert not StateLog.objects.for_(payment).exists()


def test_a_batch_whose_object_was_never_saved_refuses_to_write_a_row_without_it():
    template = PaymentFactory()
    with pytest.raises(RuntimeError, match="never saved"), state_logs_batched():
        Payment(order=template.order, method=template.method, amount=100, currency="EUR").authorize()
