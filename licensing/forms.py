"""Forms for the station's pages. They only shape input; the services check the rules and
their errors land back on these forms (DomainError.add_to_form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    Business,
    BusinessKind,
    CoordinateSystem,
    Crop,
    EntityType,
    FilingType,
    LicenceStatusChange,
    OutsideParty,
    RiceSubspecies,
    SeedType,
    Variety,
)

DATE = forms.DateInput(attrs={"type": "date"})


class BusinessForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("经营类型"), choices=BusinessKind.choices)
    entity_type = forms.ChoiceField(label=_("主体类型"), choices=EntityType.choices)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    id_number = forms.CharField(label=_("身份证号码（仅自然人，不公开）"), max_length=18, required=False)
    legal_representative = forms.CharField(label=_("法定代表人/负责人"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("经营地址"), max_length=200, required=False)
    region_code = forms.CharField(label=_("所在区划代码（乡镇9位或县6位）"), max_length=12)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)
    coordinate_system = forms.ChoiceField(label=_("坐标来源"), choices=CoordinateSystem.choices, required=False)
    principal = forms.ModelChoiceField(label=_("所属主体（分支机构）"), queryset=Business.objects.none(), required=False)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["principal"].queryset = Business.objects.visible_to(user).filter(
                kind__in=[BusinessKind.PRODUCER, BusinessKind.WHOLESALER])


class BusinessLicenceForm(forms.Form):
    registered_name = forms.CharField(label=_("登记名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    registration_authority = forms.CharField(label=_("登记机关"), max_length=100, required=False)
    established_on = forms.DateField(label=_("成立日期"), widget=DATE, required=False)
    valid_until = forms.DateField(label=_("营业期限至（长期留空）"), widget=DATE, required=False)
    business_scope = forms.CharField(label=_("经营范围"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SeedLicenceForm(forms.Form):
    number = forms.CharField(label=_("许可证编号"), max_length=60, help_text=_("如 C(辽朝建)农种许字(2020)第0001号"))
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE)
    crops = forms.ModelMultipleChoiceField(label=_("生产经营作物"), queryset=Crop.objects.all(),
                                           widget=forms.CheckboxSelectMultiple)
    varieties = forms.ModelMultipleChoiceField(label=_("生产经营品种（A、B、C类）"), queryset=Variety.objects.active(),
                                               required=False)
    issuing_organ = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    scope_text = forms.CharField(label=_("生产经营范围"), max_length=300, required=False)
    production_sites = forms.CharField(label=_("生产地点"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    valid_region = forms.CharField(label=_("有效区域"), max_length=200, required=False)


class RenewalForm(forms.Form):
    issued_on = forms.DateField(label=_("延续发证日期"), widget=DATE)
    expires_on = forms.DateField(label=_("新有效期至"), widget=DATE)


class StatusChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("变更"), choices=LicenceStatusChange.Kind.choices)
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE)
    decision_number = forms.CharField(label=_("决定书文号"), max_length=60, required=False)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class FilingForm(forms.Form):
    filing_type = forms.ChoiceField(label=_("备案类型"), choices=FilingType.choices)
    principal_business = forms.ModelChoiceField(label=_("委托方/总公司（本县主体）"), queryset=Business.objects.none(),
                                                required=False)
    principal_outside = forms.ModelChoiceField(label=_("委托方/总公司（外地主体）"), queryset=OutsideParty.objects.all(),
                                               required=False)
    principal_licence_number = forms.CharField(label=_("委托方许可证编号"), max_length=60)
    sale_location = forms.CharField(label=_("经营（销售）地点"), max_length=200)
    event_on = forms.DateField(label=_("起算日期"), widget=DATE,
                               help_text=_("分支机构：营业执照取得日期；经营/代销：开始销售日期；受托生产：播种日期"))
    filed_on = forms.DateField(label=_("备案日期"), widget=DATE)
    varieties = forms.CharField(label=_("备案品种及数量"), widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("每行一个品种，可加数量（千克），如：郑单958:2000"))
    on_paper = forms.BooleanField(label=_("纸质备案（代录入，打印回执）"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["principal_business"].queryset = Business.objects.visible_to(user)


class DocumentCheckForm(forms.Form):
    displayed = forms.BooleanField(label=_("证照已在经营场所公示"), required=False)
    current = forms.BooleanField(label=_("证照在有效期内"), required=False)
    matches_record = forms.BooleanField(label=_("证照与登记信息一致"), required=False)
    notes = forms.CharField(label=_("情况说明（发现问题时必填）"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DealerAccountForm(forms.Form):
    phone = forms.CharField(label=_("手机号（登录名）"), max_length=11)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    delivery = forms.ChoiceField(label=_("初始密码送达"), choices=[("sms", _("短信发送")), ("slip", _("打印密码条"))])


class VarietyForm(forms.Form):
    crop = forms.ModelChoiceField(label=_("作物"), queryset=Crop.objects.all())
    name = forms.CharField(label=_("品种名称"), max_length=60)
    seed_type = forms.ChoiceField(label=_("种子类型"), choices=SeedType.choices)
    rice_subspecies = forms.ChoiceField(label=_("水稻亚种"), choices=RiceSubspecies.choices, required=False)
    approval_number = forms.CharField(label=_("审定编号"), max_length=40, required=False)
    registration_number = forms.CharField(label=_("登记编号"), max_length=40, required=False)
    approved_region_codes = forms.CharField(label=_("适宜区域区划代码（逗号分隔，如 21 或 2113）"), required=False)
    approved_regions_text = forms.CharField(label=_("适宜种植区域"), max_length=300, required=False)
    variety_right_number = forms.CharField(label=_("品种权号"), max_length=20, required=False)
    applicant = forms.CharField(label=_("育种者/申请者"), max_length=100, required=False)

    def clean_approved_region_codes(self):
        raw = self.cleaned_data.get("approved_region_codes") or ""
        return [c.strip() for c in raw.replace("，", ",").split(",") if c.strip()]


class WithdrawVarietyForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("退出日期"), widget=DATE)
    note = forms.CharField(label=_("退出公告"), max_length=200, required=False)


class OutsidePartyForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=OutsideParty.Kind.choices)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    licence_number = forms.CharField(label=_("种子生产经营许可证编号"), max_length=60, required=False)
    home_region_text = forms.CharField(label=_("注册地"), max_length=100, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel（.xlsx）或 CSV 文件"))
