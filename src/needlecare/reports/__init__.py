"""Reports and exports from plain records (issue 7): no database access in this package.

- `records`: the input dataclasses (`PatientData` and its parts, `PhotoRecord` for photos).
- `assemble.build_report(data, today, generated_at) -> PatientReport`: what the PDF says.
- `pdf.render_pdf(report) -> bytes`: WeasyPrint, Jinja2 template under `templates/`.
- `tabular`: `export_document` / `to_json` (everything) and `to_csv(patients, table)`.
- `fhir.build_bundle(data)` / `bundle_json(data)`: FHIR R4 (4.3.0, `fhir.resources.R4B`).
"""
