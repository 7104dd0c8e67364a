"""Transport only unpacks: members come out in private temporary folders, refusals as issues."""

from __future__ import annotations

import zipfile
from pathlib import Path

from resv_edi.transport.archive import unpack_archive


def test_members_are_handed_out_one_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("one.xml", b"<a/>")
        archive.writestr("two.json", b"{}")
    seen = []
    for member in unpack_archive(path):
        assert member.path is not None and not member.refusals
        assert member.path.read_bytes() in (b"<a/>", b"{}")
        assert member.path.name.startswith("member") and member.path.suffix in (".xml", ".json")
        seen.append((member.shown, member.path))
    assert [s for s, _ in seen] == [f"{path}!one.xml", f"{path}!two.json"]
    assert not any(p.exists() for _, p in seen)  # each folder went with its member


def test_a_refused_archive_is_one_member_without_a_name(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../up.xml", b"<a/>")
    members = list(unpack_archive(path))
    assert len(members) == 1 and members[0].name is None and members[0].path is None
    assert members[0].shown == str(path)
    assert [i.code for i in members[0].refusals] == ["F010"]
