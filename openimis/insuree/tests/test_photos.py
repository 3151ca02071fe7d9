"""Photo files served at `/photos/<folder>/<filename>` (where fe-insuree's avatar asks), and the demo
dataset's photos generated when it loads."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.test import Client

from openimis.core import services
from openimis.core.legacy_import.demo import DEMO_LOGIN, load_demo_dataset
from openimis.insuree import rights
from openimis.insuree.demo_photos import demo_photo_uuids, silhouette
from openimis.insuree.models import Photo
from openimis.insuree.photos import photo_file_path
from openimis.insuree.tests.helpers import create_family, places
from openimis.location.tests.helpers import restricted_client
from openimis.testing.client import PASSWORD, GraphQLClient

PICTURE = silhouette(7)
URL = "/photos/Images/Updated//070707070_E00001_20190311_0.0_0.0.jpg"  # as the browser asks it


@pytest.fixture
def photo_root(settings, tmp_path) -> Path:
    settings.PHOTO_ROOT_PATH = str(tmp_path / "photos")
    return tmp_path / "photos"


@pytest.fixture
def pictured(db, admin_gql, photo_root):
    """An insuree whose photo row has a legacy (Windows) folder, and its file."""
    where = places()
    family = create_family(admin_gql, where["villages"][0])
    insuree = family.head_insuree
    photo = Photo.objects.create(insuree=insuree, chf_id=insuree.chf_id, folder="Images\\Updated\\",
                                 filename="070707070_E00001_20190311_0.0_0.0.jpg")
    insuree.photo = photo
    insuree.save(update_fields=["photo"])
    path = photo_root / "Images" / "Updated" / photo.filename
    path.parent.mkdir(parents=True)
    path.write_bytes(PICTURE)
    return {"where": where, "insuree": insuree, "photo": photo}


def test_photo_is_served_to_insuree_readers(admin_gql, pictured, user_factory):
    response = admin_gql.client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"  # what the bytes are, whatever the name says
    assert response.content == PICTURE
    district = pictured["where"]["district"]
    enquirer = restricted_client(user_factory, "enquirer", district, [rights.INSUREE_ENQUIRE])
    assert enquirer.client.get(URL).status_code == 200
    assert enquirer.client.get(URL.replace("Updated//", "Updated/")).status_code == 200


def test_photo_is_refused_without_login_or_right(pictured, user_factory):
    assert Client().get(URL).status_code == 401
    user_factory("payer", [101001])  # family search only
    other = GraphQLClient(Client())
    other.login("payer", PASSWORD)
    assert other.client.get(URL).status_code == 403


def test_photo_of_an_insuree_out_of_sight_is_not_found(pictured, user_factory):
    elsewhere = places("PX")
    local = restricted_client(user_factory, "local", elsewhere["district"], [rights.INSUREE_SEARCH])
    assert local.client.get(URL).status_code == 404


def test_only_files_a_photo_row_names_are_served(admin_gql, pictured, photo_root):
    (photo_root / "Images" / "Updated" / "unlisted.jpg").write_bytes(PICTURE)
    assert admin_gql.client.get("/photos/Images/Updated/unlisted.jpg").status_code == 404
    assert admin_gql.client.get(URL.replace("Updated", "Other")).status_code == 404
    # a row naming a file outside the photo root does not reach it
    (photo_root.parent / "secret.txt").write_text("secret")
    Photo.objects.create(insuree=pictured["insuree"], folder="..", filename="secret.txt")
    Photo.objects.create(insuree=pictured["insuree"], folder=str(photo_root.parent), filename="secret.txt")
    for url in ("/photos/../secret.txt", "/photos/%2E%2E/secret.txt", "/photos/Images/../../secret.txt",
                f"/photos/{photo_root.parent}/secret.txt"):
        assert admin_gql.client.get(url).status_code == 404, url
    assert photo_file_path("..", "secret.txt") is None
    assert photo_file_path("Images", "../secret.txt") is None
    assert photo_file_path("C:\\photos", "a.jpg") is None


def test_demo_load_writes_a_picture_per_photo_row(db, photo_root):
    services.ensure_reference_data()
    load_demo_dataset()
    rows = Photo.objects.filter(uuid__in=demo_photo_uuids()).exclude(filename__in=["", None])
    assert rows.count() > 100
    for photo in rows:
        assert photo_file_path(photo.folder, photo.filename).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not any(path.name == "secret.txt" for path in photo_root.rglob("*"))
    gql = GraphQLClient(Client())
    assert "errors" not in gql.login(*DEMO_LOGIN)
    result = gql('{ insurees(chfId: "070707070", ignoreLocation: true) '
                 "{ edges { node { photo { folder filename photo } } } } }")
    photo = result["data"]["insurees"]["edges"][0]["node"]["photo"]
    assert base64.b64decode(photo["photo"]).startswith(b"\x89PNG")
    response = gql.client.get(f"/photos/{photo['folder'].replace(chr(92), '/')}/{photo['filename']}")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
