from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Confirmation


class ReviseStandardForm(forms.Form):
    effective_from = forms.DateField(label=_("新版本生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    standard = forms.CharField(label=_("标准"), max_length=40)
    purity_min = forms.DecimalField(label=_("纯度不低于（%）"), required=False, max_digits=4, decimal_places=1)
    cleanliness_min = forms.DecimalField(label=_("净度不低于（%）"), required=False, max_digits=4, decimal_places=1)
    germination_min = forms.DecimalField(label=_("发芽率不低于（%）"), required=False, max_digits=4, decimal_places=1)
    moisture_max = forms.DecimalField(label=_("水分不高于（%）"), required=False, max_digits=4, decimal_places=1)
    moisture_max_north = forms.DecimalField(label=_("长城以北和高寒地区水分不高于（%）"), required=False, max_digits=4,
                                            decimal_places=1)
    moisture_max_japonica = forms.DecimalField(label=_("粳稻水分不高于（%）"), required=False, max_digits=4,
                                               decimal_places=1)
    status = forms.ChoiceField(label=_("核实状态"), choices=Confirmation.choices)
    source = forms.CharField(label=_("来源"), max_length=300, help_text=_("标准文本、公告或文件名及条款"))
    reason = forms.CharField(label=_("修订理由"), max_length=300, required=False)


class ReviseToleranceForm(forms.Form):
    effective_from = forms.DateField(label=_("新版本生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    limit = forms.DecimalField(label=_("容许差"), max_digits=5, decimal_places=1)
    status = forms.ChoiceField(label=_("核实状态"), choices=Confirmation.choices)
    source = forms.CharField(label=_("来源"), max_length=300)
    reason = forms.CharField(label=_("修订理由"), max_length=300, required=False)


class IntakeForm(forms.Form):
    code = forms.CharField(label=_("样品编号（扫码或输入）"), max_length=40,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    seal_numbers = forms.CharField(label=_("封签编号（逐个扫码，逗号分隔）"), max_length=200)
    seals_intact = forms.BooleanField(label=_("封签完好"), required=False, initial=True)
    seal_note = forms.CharField(label=_("封签情况说明（破损或不符时必填）"), max_length=200, required=False)
    quantity_g = forms.DecimalField(label=_("样品重量（克）"), max_digits=9, decimal_places=1, min_value=0)
    condition = forms.CharField(label=_("样品状况"), max_length=200, required=False)
    storage_location = forms.CharField(label=_("存放位置"), max_length=100)
    seed_class = forms.ChoiceField(label=_("种子级别"), choices=[("", _("按抽样单")), ("原种", _("原种")), ("大田用种", _("大田用种")),
                                                              ("亲本", _("亲本"))], required=False)
    seed_form = forms.ChoiceField(label=_("种子形态（棉花）"), required=False,
                                  choices=[("", "—"), ("毛籽", _("毛籽")), ("光籽", _("光籽")), ("薄膜包衣籽", _("薄膜包衣籽"))])


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("审核意见（退回时必填）"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


# The worksheet's inputs per test, in keyboard order (the page and its script read these).
GERMINATION_FIELDS = [(f"r{i}_{k}", f"第{i}重复 {label}") for i in range(1, 5)
                      for k, label in (("normal", "正常幼苗"), ("abnormal", "不正常幼苗"), ("fresh", "新鲜不发芽"),
                                       ("hard", "硬实"), ("dead", "死种子"))]
WORKSHEET_FIELDS = {
    "cleanliness": [("working_sample_g", "试样重量（克）"), ("pure_seed_g", "净种子（克）"),
                    ("other_seeds_g", "其他植物种子（克）"), ("inert_matter_g", "杂质（克）")],
    "germination": GERMINATION_FIELDS,
    "moisture": [(f"m{i}_{k}", f"第{i}次 {label}") for i in (1, 2)
                 for k, label in (("dish_g", "铝盒重（克）"), ("wet_g", "烘前盒+样重（克）"), ("dry_g", "烘后盒+样重（克）"))],
    "purity": [("examined", "鉴定株（粒）数"), ("off_types", "异型株（粒）数")],
}


class RetestRequestForm(forms.Form):
    reason = forms.CharField(label=_("复检理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label=_("书面申请收到日期（登记经营者书面申请时填写）"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    escalate = forms.BooleanField(label=_("种子站主动提请复检（不受异议期限限制）"), required=False)


class DealerRetestForm(forms.Form):
    reason = forms.CharField(label=_("复检理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DispatchForm(forms.Form):
    to = forms.CharField(label=_("移交至（复检机构或送样人）"), max_length=100)
    seals_intact = forms.BooleanField(label=_("封签完好"), required=False, initial=True)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReceiveBackupForm(forms.Form):
    seal_numbers = forms.CharField(label=_("封签编号"), max_length=200)
    seals_intact = forms.BooleanField(label=_("封签完好"), required=False, initial=True)
    seal_note = forms.CharField(label=_("封签情况说明"), max_length=200, required=False)
    quantity_g = forms.DecimalField(label=_("样品重量（克）"), max_digits=9, decimal_places=1, min_value=0)
    condition = forms.CharField(label=_("样品状况"), max_length=200, required=False)
    storage_location = forms.CharField(label=_("存放位置"), max_length=100)


class PublishResultsForm(forms.Form):
    reason = forms.CharField(label=_("重新公布理由（首次公布不填）"), max_length=300, required=False)
