"""Public: a campaign's published results (监督抽查办法第三十三条), with no personal data. The
page and its workbook read the snapshot frozen at publication (labs.services.results)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from labs.models import CampaignResults
from labs.results import results_workbook
from seedreg.web import xlsx_response


def _published(pk) -> CampaignResults:
    package = CampaignResults.objects.filter(campaign_id=pk).select_related("document").first()
    if package is None:
        raise Http404
    return package


@cache_control(public=True, max_age=300)
def campaign_results_public(request, pk):
    package = _published(pk)
    return render(request, "portal/campaign_results.html", {"package": package, "results": package.snapshot})


@cache_control(public=True, max_age=300)
def campaign_results_public_xlsx(request, pk):
    package = _published(pk)
    return xlsx_response(results_workbook(package.snapshot), f"{package.snapshot['campaign']}抽查结果.xlsx")
