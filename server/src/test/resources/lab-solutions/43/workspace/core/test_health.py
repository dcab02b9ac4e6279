import pytest
from django.contrib.auth.models import User

from core.views import ping


def test_health_through_the_client(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_ping_called_directly(rf):
    response = ping(rf.get("/health/"))
    assert response.status_code == 200
    assert response.content == b'{"ok": true}'


@pytest.mark.django_db
def test_one_account():
    User.objects.create_user("ada")
    assert User.objects.count() == 1
