"""The patient's own copy of their personal data: a ZIP with the JSON export and their
photos (deletion: `deletion.py`; the staff and operator exports: `exports.py`)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from needlecare.services import audit, clock
from needlecare.services.export_records import load_patients
from needlecare.services.exports import ExportFile, render
from needlecare.services.photo_files import PhotoFiles
from needlecare.services.principal import Principal
from needlecare.services.scope import own_patient
from needlecare.storage.base import utcnow
from needlecare.storage.models import Photo, ShelfPhoto, ShelfProduct
from needlecare.storage.uow import UnitOfWork

MY_DATA_JSON = "needlecare-my-data.json"


def my_data_export(
    uow: UnitOfWork,
    actor: Principal,
    *,
    now: datetime | None = None,
    data_dir: Path | None = None,
) -> ExportFile:
    """Everything stored about the patient, clinician notes included (their copy of their
    personal data): a ZIP with the JSON export and their photos as JPEG files; audited."""
    now = now or utcnow()
    with uow:
        patient = own_patient(uow.session, actor)
        today = clock.patient_today(uow.session, patient.id, patient.clinic_id, now)
        (data,) = load_patients(uow.session, [patient], include_notes=True)
        images = uow.session.execute(
            select(Photo.id, Photo.image_path).where(Photo.patient_id == patient.id)
        ).all()
        labels = uow.session.execute(
            select(ShelfPhoto.product_id, ShelfPhoto.jpeg)
            .join(ShelfProduct, ShelfProduct.id == ShelfPhoto.product_id)
            .where(ShelfProduct.patient_id == patient.id)
        ).all()
        audit.record_for_patient(uow.session, actor, "export.self", "patient", patient.id, patient)
        uow.commit()
    document = render(
        [data],
        "json",
        scope="patient",
        clinic=data.clinic,
        now=now,
        today=today,
        table="checkins",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MY_DATA_JSON, document)
        files = PhotoFiles(data_dir) if data_dir is not None else None
        for photo_id, relative in images:
            if files is None:
                break
            try:
                content = files.path(relative).read_bytes()
            except (OSError, ValueError):
                continue  # the row (and its measurement) is in the JSON even without the file
            # JPEG is already compressed: store it as is.
            archive.writestr(f"photos/{photo_id}.jpg", content, zipfile.ZIP_STORED)
        for product_id, jpeg in labels:  # label photos kept with shelf products
            archive.writestr(f"shelf/{product_id}-label.jpg", jpeg, zipfile.ZIP_STORED)
    return ExportFile(buffer.getvalue(), "application/zip", f"needlecare-my-data-{now:%Y%m%d}.zip")
