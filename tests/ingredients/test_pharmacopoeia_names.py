"""Medicines' leaflets print their excipients by European/British Pharmacopoeia or USP-NF names
("Excipients: ..."): each is read as the INCI name of the same substance, not left unknown or
read as the look-alike cosmetic name (edetic acid is EDTA, not acetic acid)."""

from __future__ import annotations

from needlecare.ingredients import check_label

LEAFLET = (
    "Adapalene 0.1% w/w. Excipients: Carbomer 974P, Macrogol 400, Disodium edetate, "
    "Methyl parahydroxybenzoate, Propyl parahydroxybenzoate, Poloxamer 182, Trometamol, "
    "Cetomacrogol 1000, Light liquid paraffin, Wool fat, Docusate sodium, "
    "Diethylene glycol monoethyl ether, Sorbitan monooleate, Butylhydroxytoluene, Edetic acid, "
    "Purified water"
)


def test_every_pharmacopoeial_excipient_of_a_leaflet_is_read() -> None:
    items = check_label(LEAFLET)["ingredients"]
    names = {i["raw"].lower(): i["name"] for i in items if i["recognized"]}
    assert [i["raw"] for i in items if not i["recognized"]] == []
    assert names["macrogol 400"] == "PEG-8"  # molecular mass 400: 8 ethylene oxide units
    assert names["disodium edetate"] == "DISODIUM EDTA"
    assert names["edetic acid"] == "EDTA"
    assert names["methyl parahydroxybenzoate"] == "METHYLPARABEN"
    assert names["cetomacrogol 1000"] == "CETEARETH-20"
    assert names["carbomer 974p"] == "CARBOMER"
    flagged = {i["name"] for i in items if "prescription_retinoid" in i["flags"]}
    assert flagged == {"ADAPALENE"}


def test_a_polyethylene_glycol_named_by_units_stays_itself() -> None:
    """INCI's PEG-400 has 400 units: only the pharmacopoeial 'Macrogol 400' is PEG-8."""
    items = check_label("Aqua, PEG-400, Glycerin")["ingredients"]
    assert items[1]["name"] == "PEG-400"
