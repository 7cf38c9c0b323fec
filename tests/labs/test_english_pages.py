"""The laboratory's pages in English: the lab queue and a sample's page read with English labels
once English is chosen; sample codes, crop and variety names are data and stay as typed."""

import pytest
from django.urls import reverse

from tests.licensing.test_english_pages import english_client


@pytest.mark.django_db
def test_the_lab_queue_reads_in_english(client, lab_tech, lab_sample):
    html = english_client(client, lab_tech).get(reverse("labs:queue")).content.decode()
    assert lab_sample.code in html
    for label in ["Test sample", "Sample intake", "Sample number", "Crop/variety", "Sampled unit", ">Search<",
                  "intact"]:
        assert label in html, label
    assert "检验样品" not in html and "收样登记" not in html and "样品编号" not in html


@pytest.mark.django_db
def test_a_sample_page_reads_in_english(client, lab_tech, lab_sample):
    html = english_client(client, lab_tech).get(reverse("labs:sample_detail", args=[lab_sample.pk])).content.decode()
    for label in ["Crop/variety", "Seed type / class", "Sample handover record", ">Back<"]:
        assert label in html, label
    assert "作物/品种" not in html and "样品交接记录" not in html
