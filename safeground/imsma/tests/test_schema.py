"""The key and local ID names geocheck shows for organisation, victim assistance, task and devices."""

from safeground.imsma import schema


def test_keys_follow_geocheck_where_it_names_them():
    got = {t: (schema.key(t), schema.localid(t)) for t in ("organisation", "victim_assistance", "task", "hazard")}
    assert got == {
        "organisation": ("org_guid", "org_localid"),
        "victim_assistance": ("guid", "localid"),
        "task": ("guid", "localid"),
        "hazard": ("hazard_guid", "hazard_localid"),
    }
    assert schema.key("hazreducdeviceinfo") == "hazreducdeviceinfo_guid"
    assert "hazreducdevice" not in schema.expected() and "hazreducdevice" not in schema.ORDER


def test_every_record_table_has_its_key_and_local_id_and_links_keep_their_names():
    for table, columns in schema.RECORDS.items():
        assert list(columns)[:2] == [schema.key(table), schema.localid(table)], table
    # A link to an organisation keeps NG's inferred name; geocheck does not show another.
    assert all(
        "organisation_guid" in schema.RECORDS[t] for t, links in schema.LINKS.items() if "organisation_guid" in links
    )
    assert "organisation_guid" not in schema.RECORDS["organisation"]


def test_versions_carry_the_record_key_and_links_use_it():
    tables = schema.expected()
    for table in schema.VERSIONED:
        assert schema.key(table) in tables[schema.version_table(table)]
    for table in schema.GEOMETRY_TABLES:
        assert schema.key(table) in tables[schema.geometry_link(table)]
    for table in schema.CUSTOM_TABLES:
        assert schema.key(table) in tables[schema.custom_link(table)]
