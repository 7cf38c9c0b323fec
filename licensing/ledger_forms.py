"""Forms for ledgers, lots and stop-sale orders (the dealer portal's and the station's pages).
They only shape input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Business, Crop, OutsideParty, SeedLot, Variety

# ISO format: a type="date" input shows nothing for a localised value.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
NUMBER = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(variety)s · 批号%(number)s · %(producer)s") % {
            "variety": obj.variety.name, "number": obj.lot_number, "producer": obj.producer_name}


class PurchaseForm(forms.Form):
    """A purchase; the lot is found (or registered) from its producer, variety and lot number."""

    variety = forms.ModelChoiceField(label=_("品种"), queryset=Variety.objects.none())
    lot_number = forms.CharField(label=_("批号"), max_length=40)
    producer_outside = forms.ModelChoiceField(label=_("生产经营者（外地）"), queryset=OutsideParty.objects.none(),
                                              required=False)
    producer_business = forms.ModelChoiceField(label=_("生产经营者（本地）"), queryset=Business.objects.none(),
                                               required=False)
    quantity_kg = forms.CharField(label=_("数量（千克）"), max_length=20, widget=DECIMAL)
    packages = forms.CharField(label=_("件数（袋）"), max_length=10, required=False, widget=NUMBER)
    occurred_on = forms.DateField(label=_("购进日期"), widget=DATE)
    supplier_outside = forms.ModelChoiceField(label=_("供货方（外地主体）"), queryset=OutsideParty.objects.none(),
                                              required=False)
    supplier_business = forms.ModelChoiceField(label=_("供货方（本地主体）"), queryset=Business.objects.none(),
                                               required=False)
    supplier_name = forms.CharField(label=_("供货方（其他，填名称）"), max_length=100, required=False)
    document_number = forms.CharField(label=_("购货凭证号"), max_length=60, required=False)
    certificate_number = forms.CharField(label=_("合格证编号"), max_length=40, required=False)
    quarantine_cert_number = forms.CharField(label=_("检疫证明编号"), max_length=20, required=False)
    germination = forms.CharField(label=_("标签发芽率（%）"), max_length=8, required=False, widget=DECIMAL)
    purity = forms.CharField(label=_("标签纯度（%）"), max_length=8, required=False, widget=DECIMAL)

    def __init__(self, *args, region_code="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variety"].queryset = Variety.objects.active().select_related("crop")
        parties = OutsideParty.objects.all()
        self.fields["producer_outside"].queryset = parties
        self.fields["supplier_outside"].queryset = parties
        local = Business.objects.active().filter(region_code__startswith=region_code[:6])
        self.fields["producer_business"].queryset = local.filter(kind__in=["producer", "wholesaler"])
        self.fields["supplier_business"].queryset = local


class SaleForm(forms.Form):
    BUYER_KINDS = (("farmer", _("农户")), ("dealer", _("本县登记的经营者")))

    lot = LotChoiceField(label=_("种子批"), queryset=SeedLot.objects.none())
    quantity_kg = forms.CharField(label=_("数量（千克）"), max_length=20, widget=DECIMAL)
    packages = forms.CharField(label=_("件数（袋）"), max_length=10, required=False, widget=NUMBER)
    occurred_on = forms.DateField(label=_("销售日期"), widget=DATE)
    buyer_kind = forms.ChoiceField(label=_("购买方"), choices=BUYER_KINDS, initial="farmer", widget=forms.RadioSelect)
    farmer_name = forms.CharField(label=_("购买人姓名"), max_length=100, required=False)
    farmer_phone = forms.CharField(label=_("购买人电话"), max_length=20, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel"}))
    farmer_village = forms.CharField(label=_("村组"), max_length=100, required=False)
    buyer_business = forms.ModelChoiceField(label=_("购买方经营者"), queryset=Business.objects.none(), required=False)
    document_number = forms.CharField(label=_("销售单据号"), max_length=60, required=False)

    def __init__(self, *args, business, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots.select_related("variety", "producer", "producer_outside")
        self.fields["buyer_business"].queryset = (Business.objects.active().exclude(pk=business.pk)
                                                  .filter(region_code__startswith=business.region_code[:6]))

    def service_kwargs(self):
        data = self.cleaned_data
        common = {k: data[k] for k in ("lot", "quantity_kg", "packages", "occurred_on", "document_number")}
        if data["buyer_kind"] == "dealer":
            return {**common, "buyer_business": data["buyer_business"]}
        return {**common, "farmer_name": data["farmer_name"], "farmer_phone": data["farmer_phone"],
                "farmer_village": data["farmer_village"]}

    def clean(self):
        data = super().clean()
        if data.get("buyer_kind") == "dealer" and not data.get("buyer_business"):
            self.add_error("buyer_business", _("请选择购买方经营者"))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class StopSaleDraftForm(forms.Form):
    reason = forms.CharField(label=_("停止销售理由"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("法律依据"), initial="《中华人民共和国种子法》第四十八条、第四十九条",
                                  widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("依据材料（如检验报告编号）"), max_length=200, required=False)


class StopSaleServedForm(forms.Form):
    """A printed stop-sale notice served on paper (已送达); the service checks the rest."""

    method = forms.ChoiceField(label=_("送达方式"), choices=[
        ("in_person", _("当面送达")), ("post", _("邮寄送达")), ("left", _("留置送达"))])
    served_at = forms.DateTimeField(label=_("送达时间"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M",
                                                               attrs={"type": "datetime-local"}))
    served_by = forms.CharField(label=_("送达人"), max_length=100)
    recipient_name = forms.CharField(label=_("签收人"), max_length=100,
                                     help_text=_("拒绝签收、留置送达的，填写见证人"))
    receipt_scan = forms.FileField(label=_("送达回证扫描件（PDF、JPG 或 PNG，可不上传）"), required=False)
    notes = forms.CharField(label=_("备注"), max_length=200, required=False)


class LedgerFilterForm(forms.Form):
    since = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DATE)
    crop = forms.ModelChoiceField(label=_("作物"), queryset=Crop.objects.all(), required=False)
    variety = forms.CharField(label=_("品种"), max_length=60, required=False)
    lot_number = forms.CharField(label=_("批号"), max_length=40, required=False)

    def apply(self, entries):
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["since"]:
            entries = entries.filter(occurred_on__gte=data["since"])
        if data["until"]:
            entries = entries.filter(occurred_on__lte=data["until"])
        if data["crop"]:
            entries = entries.filter(lot__variety__crop=data["crop"])
        if data["variety"]:
            entries = entries.filter(lot__variety__name__contains=data["variety"].strip())
        if data["lot_number"]:
            entries = entries.filter(lot__lot_number=data["lot_number"].strip())
        return entries
