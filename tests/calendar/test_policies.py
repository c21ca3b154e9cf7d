from __future__ import annotations

import json

import pytest

from xinfang.calendar.policies import (
    DEFAULT_PROFILE,
    PROFILES,
    DeadlinePolicy,
    Profile,
    get_profile,
    profile_from_dict,
    profile_to_dict,
)
from xinfang.domain.enums import Step


@pytest.mark.parametrize("code", sorted(PROFILES))
def test_every_profile_has_all_8_steps(code):
    p = PROFILES[code]
    assert p.code == code
    assert set(p.policies) == set(Step) and len(p.policies) == 8
    assert all(p.policies[s].step is s for s in Step)
    assert p.note


def test_expected_profiles_exist():
    assert DEFAULT_PROFILE == "national"
    assert {"national", "zhejiang", "shandong", "beijing", "shanghai", "henan"} <= set(PROFILES)
    assert get_profile() is PROFILES["national"]
    with pytest.raises(KeyError):
        get_profile("atlantis")


def test_national_defaults():
    p = PROFILES["national"].policies
    assert p[Step.DISPOSE] == DeadlinePolicy(Step.DISPOSE, 15, "calendar", True, 0)
    assert p[Step.NOTICE] == DeadlinePolicy(Step.NOTICE, 15, "calendar", True, 0)
    assert p[Step.OBJECT] == DeadlinePolicy(Step.OBJECT, 5, "working", True, 0)
    assert p[Step.HANDLE] == DeadlinePolicy(Step.HANDLE, 60, "calendar", True, 30)
    for s in (Step.REVIEW_REQUEST, Step.REVIEW, Step.RECHECK_REQUEST, Step.RECHECK):
        assert p[s] == DeadlinePolicy(s, 30, "calendar", True, 0)


def test_provincial_variants():
    zj = PROFILES["zhejiang"].policies
    assert (zj[Step.DISPOSE].days, zj[Step.DISPOSE].unit) == (5, "working")
    assert (zj[Step.NOTICE].days, zj[Step.NOTICE].unit) == (5, "working")
    assert (zj[Step.HANDLE].days, zj[Step.HANDLE].max_extension) == (30, 60)
    bj = PROFILES["beijing"].policies
    assert bj[Step.OBJECT].unit == "working" and bj[Step.OBJECT].days == 5
    assert bj[Step.REVIEW].max_extension == 30 and bj[Step.RECHECK].max_extension == 30
    hn = PROFILES["henan"].policies
    assert hn[Step.DISPOSE].days == 5
    assert hn[Step.HANDLE].days + hn[Step.HANDLE].max_extension == 90
    assert PROFILES["shanghai"].policies == PROFILES["national"].policies
    assert PROFILES["shandong"].policies[Step.HANDLE].max_extension == 30


@pytest.mark.parametrize("code", sorted(PROFILES))
def test_profile_json_roundtrip(code):
    p = PROFILES[code]
    back = profile_from_dict(json.loads(json.dumps(profile_to_dict(p), ensure_ascii=False)))
    assert back == p


def test_profile_from_dict_accepts_mapping_and_rejects_bad_data():
    d = PROFILES["national"].to_dict()
    as_map = dict(d, policies={x["step"]: x for x in d["policies"]})
    assert profile_from_dict(as_map).policies == PROFILES["national"].policies
    short = dict(d, policies=d["policies"][:-1])
    with pytest.raises(ValueError, match="缺少"):
        profile_from_dict(short)
    bad_unit = dict(d, policies=[dict(x, unit="weeks") if x["step"] == "handle" else x for x in d["policies"]])
    with pytest.raises(ValueError):
        profile_from_dict(bad_unit)
    bad_step = dict(d, policies=d["policies"] + [dict(d["policies"][0], step="nope")])
    with pytest.raises(ValueError, match="未知环节"):
        profile_from_dict(bad_step)


def test_policy_validation():
    with pytest.raises(ValueError):
        DeadlinePolicy(Step.HANDLE, 0)
    with pytest.raises(ValueError):
        DeadlinePolicy(Step.HANDLE, 60, max_extension=-1)
    assert DeadlinePolicy("handle", 60).step is Step.HANDLE
    with pytest.raises(ValueError):
        Profile("x", "x", {Step.HANDLE: DeadlinePolicy(Step.HANDLE, 60)})
