"""What every model with protected state machines needs."""

from django_fsm import FSMFieldMixin


class ProtectedStateMixin:
    """Let full_clean() validate a model whose FSM fields are protected.

    Django's clean_fields() assigns every field back to the instance, which protected FSM
    fields refuse (django-fsm #174). The states change only through transitions, so there
    is nothing to clean in them: leave them out.
    """

    def clean_fields(self, exclude=None):
        state_fields = {f.name for f in self._meta.fields if isinstance(f, FSMFieldMixin)}
        super().clean_fields(exclude={*(exclude or ()), *state_fields})
