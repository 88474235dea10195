"""What the stateful API fuzz (test_api_fuzz.py) starts from, so that its sequences can
reach every operation that takes an id and get answers past validation, not only 4xx:

- `seed_state`: clinic A's patient P1 gets one of each object a path names and no API call
  makes from random data (an open alert, a photo, a shelf product with its label photo);
  the list operations hand their ids to the links (needlecare.web.api.links).
- `prefer_valid_bodies`: for the operations whose bodies schema-valid random data almost
  never satisfies (a date within the last three years, an ingredient list, a real photo,
  the caller's own password), the body is drawn from the generated ones OR from a few valid
  ones, through schemathesis's `before_generate_body` hook, so Hypothesis still chooses
  (and replays) it.
- `Identity`: the caller's token; a sequence that revokes it (a link from the token list
  names it) gets a new one, as a client would log in again, instead of collecting 401s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import select

from api.api_helpers import CALM, FEVER, submit
from conftest import Person, World
from needlecare.services import photo_upload, shelf, shelf_photos
from needlecare.services.auth import new_token, principal_for_token
from needlecare.services.photo_files import PhotoFiles
from needlecare.storage.models import ApiToken
from needlecare.storage.uow import UnitOfWork
from photos.synthetic import Scene, encode

API = "/api/v1"
P = f"{API}/patients/{{patient_id}}"
REVOKE_TOKEN = f"DELETE {API}/auth/tokens/{{token_id}}"
LABEL_PHOTO = Path(__file__).parents[1] / "ocr" / "photos" / "clean_bland_moisturiser.jpg"


def photo_bytes(seed: int) -> bytes:
    """A small real JPEG of skin on a wall; each seed gives other bytes."""
    scene = Scene(width=480, height=360, skin_box=(80, 60, 320, 240), noise=1.5, seed=seed)
    return encode(scene.rgb(), "JPEG", quality=85)


def seed_state(uow: UnitOfWork, world: World, data_dir: Path) -> dict[str, int]:
    """P1's objects; returns their ids by path parameter name."""
    bob = principal_for_token(uow, world.bob.token)
    pat = world.patients["pat"]
    alert = submit(uow, world, "bob", "pat", FEVER)  # a check-in with an open alert
    assert alert.alert_id is not None
    upload = photo_upload.PhotoUpload(photo_bytes(1))
    photo = photo_upload.upload_photo(uow, bob, pat, upload, files=PhotoFiles(data_dir)).photo
    product = shelf.ShelfProductCreate("Seeded serum", "Aqua, Glycerin, Niacinamide")
    kept = shelf.add_product(uow, bob, pat, product)
    shelf_photos.keep_photo(uow, bob, pat, kept.id, photo_bytes(2))
    return {
        "patient_id": pat,
        "treatment_id": world.treatments["pat"],
        "checkin_id": alert.checkin.id,
        "alert_id": alert.alert_id,
        "photo_id": photo.id,
        "product_id": kept.id,
        "user_id": world.bob.user_id,  # clinic A's clinician
    }


def valid_bodies(person: Person | None) -> dict[str, list[Any]]:
    """Operation label -> bodies its checks accept (for a caller allowed to make it)."""
    past = (date.today() - timedelta(days=30)).isoformat()
    treatment = {"treatment_date": past, "depth_mm": 0.5, "device": "pen"}
    label = LABEL_PHOTO.read_bytes()
    bodies: dict[str, list[Any]] = {
        f"POST {API}/patients": [{"display_name": "Fuzz Roster"}],
        f"PUT {P}": [{"display_name": "Fuzz Renamed", "fitzpatrick": 3}],
        f"POST {P}/treatments": [treatment],
        f"PUT {P}/treatments/{{treatment_id}}": [treatment, {**treatment, "operator": "Fuzz"}],
        f"POST {P}/checkins": [{"symptoms": CALM}, {"symptoms": FEVER}],
        f"POST {P}/notes": [{"body": "fuzz note"}],
        f"POST {P}/messages": [{"body": "fuzz message"}],
        f"POST {P}/recommendations": [{"product_name": "Fuzz balm"}],
        f"POST {P}/recommendations/check": [{"inci_text": "Aqua, Retinol"}],
        f"POST {P}/ingredient-check": [{"text": "Aqua, Glycerin"}],
        f"POST {P}/shelf": [{"name": "Fuzz cream", "inci_text": "Aqua, Glycerin"}],
        f"POST {API}/clinic/catalogue": [{"name": "Fuzz balm", "inci_text": "Aqua, Glycerin"}],
        f"PUT {P}/photos/{{photo_id}}/roi": [{}],
        f"POST {API}/alerts/{{alert_id}}/resolve": [{"note": "fuzz resolved"}],
        f"POST {API}/alerts/{{alert_id}}/assign": [{"assignee_id": None}],
        # Never the caller's own role or access: an admin demoting itself ends its sequence.
        f"PATCH {API}/clinic/staff/{{user_id}}": [{"role": "admin", "is_active": True}],
        f"POST {P}/photos": [{"file": photo_bytes(3)}, {"file": photo_bytes(4), "area": "face"}],
        f"PUT {P}/shelf/{{product_id}}/photo": [{"file": photo_bytes(5)}],
        f"POST {P}/shelf/with-photo": [
            {"file": photo_bytes(6), "name": "Fuzz label", "inci_text": "Aqua, Glycerin"}
        ],
        f"POST {P}/ingredient-scan": [{"file": label}],
    }
    if person is not None:
        bodies[f"POST {API}/auth/tokens"] = [{"email": person.email, "password": person.password}]
    return bodies


def prefer_valid_bodies(schema: Any, bodies: dict[str, list[Any]]) -> None:
    """Each listed operation's body: the generated one or one of its valid ones."""

    @schema.hook("flatmap_body")  # type: ignore[untyped-decorator]
    def valid_or_generated(context: Any, body: Any) -> st.SearchStrategy[Any]:
        known = bodies.get(context.operation.label)
        return st.just(body) if known is None else st.sampled_from([body, *known])


def prefer_seeded_ids(schema: Any, ids: dict[str, int]) -> None:
    """Path ids: the generated ones, or the seeded objects' ids. A sequence starts with a
    call schemathesis makes up whole (a POST is taken for a creating call even when it takes
    a patient's id), so without them nearly every such start is a 404 with nothing to link
    on; the ids a link carries are set over these."""

    @schema.hook("flatmap_path_parameters")  # type: ignore[untyped-decorator]
    def seeded_or_generated(context: Any, generated: dict[str, Any] | None) -> Any:
        if not generated:  # an operation without path parameters
            return st.just(generated)
        seeded = {name: ids.get(name, value) for name, value in generated.items()}
        return st.sampled_from([generated, seeded])


@dataclass
class Identity:
    """The headers a sequence calls with, renewed when the sequence revokes its token."""

    uow: UnitOfWork
    person: Person | None
    headers: dict[str, str]
    token_id: int | None = None

    @classmethod
    def of(cls, uow: UnitOfWork, person: Person | None) -> Identity:
        if person is None:
            return cls(uow, None, {})
        identity = cls(uow, person, dict(person.headers))
        with uow:
            query = select(ApiToken.id).where(
                ApiToken.user_id == person.user_id, ApiToken.name == "test"
            )
            identity.token_id = uow.session.scalars(query).one()
        return identity

    def after_call(self, label: str, path_parameters: dict[str, Any], status: int) -> None:
        revoked_own = label == REVOKE_TOKEN and status < 300 and self.person is not None
        if revoked_own and str(path_parameters.get("token_id")) == str(self.token_id):
            assert self.person is not None
            raw, digest = new_token()
            with self.uow:
                row = ApiToken(user_id=self.person.user_id, token_hash=digest, name="fuzz")
                self.uow.session.add(row)
                self.uow.flush()
                self.token_id = row.id
                self.uow.commit()
            self.headers["Authorization"] = f"Bearer {raw}"
