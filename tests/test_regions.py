"""Region taxonomy, tag labels in both languages, and inference."""

import pytest

from indexer.text.regions import (
    GROUPS, REGIONS, count_mentions, expand_region_filter, infer_regions, is_group_label,
    region_for_label, region_label,
)


def test_taxonomy_has_the_sites_five_groups_and_twenty_five_regions():
    assert [g.slug for g in GROUPS] == [
        "caucasus", "central-asia", "conflict-zones", "eastern-europe", "eurasian-fringe"]
    assert len(REGIONS) == 25
    assert {r.group for r in REGIONS} == {g.slug for g in GROUPS}


@pytest.mark.parametrize("label, slug", [
    ("Kyrgyzstan", "kyrgyzstan"), ("Кыргызстан", "kyrgyzstan"), ("Kirghizia", "kyrgyzstan"),
    ("Киргизия", "kyrgyzstan"), ("Belorussia", "belarus"), ("Белоруссия", "belarus"),
    ("Беларусь", "belarus"), ("Nagorno-Karabakh", "nagorno-karabakh"),
    ("Nagorno Karabakh", "nagorno-karabakh"), ("Нагорный Карабах", "nagorno-karabakh"),
    ("Южная Осетия", "south-ossetia"), ("The Baltics", "the-baltics"),
    ("Приднестровье", "transnistria"), ("United States", "united-states"), ("США", "united-states"),
])
def test_tag_labels_in_either_language_map_to_slugs(label, slug):
    assert region_for_label(label) == slug


def test_topic_and_group_labels_are_not_regions():
    assert region_for_label("Politics") is None
    assert region_for_label("Georgia on my mind") is None
    assert is_group_label("Central Asia") and is_group_label("Кавказ")
    assert not is_group_label("Georgia")


def test_labels_follow_the_chosen_language():
    assert region_label("kyrgyzstan") == "Kyrgyzstan"
    assert region_label("kyrgyzstan", "ru") == "Кыргызстан"
    assert region_label("central-asia", "ru") == "Центральная Азия"


def test_a_group_filter_means_any_of_its_countries():
    assert expand_region_filter(["caucasus"]) == {"armenia", "azerbaijan", "georgia"}
    assert expand_region_filter(["caucasus", "ukraine"]) == {
        "armenia", "azerbaijan", "georgia", "ukraine"}
    with pytest.raises(ValueError, match="atlantis"):
        expand_region_filter(["atlantis"])


def test_mentions_count_every_inflected_form_once():
    counts = count_mentions(
        "В Киргизии и в Кыргызстане. Нагорного Карабаха нет в Nagorno-Karabakh; "
        "Azerbaijan's army.")
    assert counts == {"kyrgyzstan": 2, "nagorno-karabakh": 2, "azerbaijan": 1}


def test_a_title_mention_is_enough_to_infer_a_region():
    assert infer_regions("Протесты в Киргизии", "Люди вышли на площадь.") == ["kyrgyzstan"]


def test_a_single_body_mention_is_not_enough_but_two_are():
    assert infer_regions("Border talks", "Officials from Tajikistan met.") == []
    assert infer_regions("Border talks", "Tajikistan met. Tajikistan's envoy left.") == [
        "tajikistan"]


def test_inference_keeps_the_three_most_mentioned_regions():
    body = ("Georgia Georgia Georgia Armenia Armenia Turkey Turkey Iran Iran "
            "Azerbaijan Azerbaijan Azerbaijan Azerbaijan")
    assert infer_regions("", body) == ["azerbaijan", "georgia", "armenia"]
