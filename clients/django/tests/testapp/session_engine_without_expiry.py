"""A session engine that keeps nothing on the server to expire (SessionBase.clear_expired raises NotImplementedError):
Django's clearsessions command refuses it."""
from django.contrib.sessions.backends.base import SessionBase


class SessionStore(SessionBase):
    pass
