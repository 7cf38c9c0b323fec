"""Forms for the station's inspection pages: they shape input; services check the rules."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.models import Business, Crop

from .models import CampaignMode, ChecklistAnswer, Complaint, FindingType, Outcome, Season

DATE = forms.DateInput(attrs={"type": "date"})


def lines(text):
    return [line.strip() for line in (text or "").replace("、", "\n").splitlines() if line.strip()]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("计划名称"), max_length=100)
    summary = forms.CharField(label=_("计划说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    mode = forms.ChoiceField(label=_("检查方式"), choices=CampaignMode.choices)
    joint_agencies = forms.CharField(label=_("联合执法单位（联合式，每行一个）"), widget=forms.Textarea(attrs={"rows": 2}),
                                     required=False)
    season = forms.ChoiceField(label=_("季节"), choices=Season.choices)
    townships = forms.MultipleChoiceField(label=_("检查区域（不选为全县）"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    crops = forms.ModelMultipleChoiceField(label=_("作物"), queryset=Crop.objects.all(), required=False)
    matters = forms.CharField(label=_("检查事项（每行一项）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    sampling_target = forms.IntegerField(label=_("计划抽样批次"), min_value=0, initial=0)
    take_first_batch = forms.BooleanField(label=_("纳入首次抽检（新进入本县的种子批）"), required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].choices = townships


class DrawForm(forms.Form):
    ratio_percent = forms.DecimalField(label=_("抽取比例（%）"), min_value=0, max_value=100, required=False,
                                       help_text=_("如 5 表示 5%；与抽取数量二选一"))
    count = forms.IntegerField(label=_("抽取数量（户）"), min_value=0, required=False)
    inspectors_per_task = forms.IntegerField(label=_("每户执法人员数"), min_value=2, max_value=5, initial=2)
    seed = forms.CharField(label=_("随机种子（留空自动生成）"), max_length=64, required=False)


class InspectorForm(forms.Form):
    enforcement_id = forms.CharField(label=_("执法证号"), max_length=40, required=False)
    unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    may_inspect = forms.BooleanField(label=_("可执法检查"), required=False, initial=True)
    may_sample = forms.BooleanField(label=_("可抽样"), required=False, initial=True)
    active = forms.BooleanField(label=_("在名录中"), required=False, initial=True)
    absent_from = forms.DateField(label=_("不在岗起"), widget=DATE, required=False)
    absent_until = forms.DateField(label=_("不在岗至"), widget=DATE, required=False)
    absence_note = forms.CharField(label=_("不在岗说明"), max_length=100, required=False)


class ConflictForm(forms.Form):
    business = forms.ModelChoiceField(label=_("经营主体"), queryset=Business.objects.none())
    reason = forms.CharField(label=_("回避理由"), max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = Business.objects.visible_to(user)


class ComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Complaint.Channel.choices)
    anonymous = forms.BooleanField(label=_("匿名"), required=False)
    complainant_name = forms.CharField(label=_("投诉人"), max_length=50, required=False)
    complainant_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    business = forms.ModelChoiceField(label=_("被投诉主体"), queryset=Business.objects.none(), required=False)
    lot_text = forms.CharField(label=_("涉及种子（品种、批号）"), max_length=200, required=False)
    description = forms.CharField(label=_("投诉内容"), widget=forms.Textarea(attrs={"rows": 4}))
    photos = forms.FileField(label=_("证据照片"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = Business.objects.visible_to(user)


class PairForm(forms.Form):
    inspectors = forms.ModelMultipleChoiceField(label=_("执法人员（至少两名）"), queryset=None,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, inspectors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = inspectors


class SpawnTaskForm(PairForm):
    due_on = forms.DateField(label=_("完成期限"), widget=DATE)


class ReassignForm(PairForm):
    reason = forms.CharField(label=_("改派理由"), max_length=200)


class CloseComplaintForm(forms.Form):
    outcome = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 3}))
    told_how = forms.CharField(label=_("告知投诉人的方式（如电话告知）"), max_length=50, required=False)


# --- doing a visit at the station's web pages (the phone app calls the same services) ----------

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
IMAGE = {"accept": "image/*"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one input; the services check and re-encode each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={**IMAGE, "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


def read_upload(upload):
    return upload.read() if upload else None


class ResendMixin(forms.Form):
    """A hidden id made when the form is shown: a form posted twice (a double click, the back
    button) is recognised by the service as a resend, as a phone's resent request is."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput, required=False)


class PositionForm(forms.Form):
    latitude = forms.DecimalField(label=_("纬度（WGS-84）"), max_digits=9, decimal_places=6, min_value=-90,
                                  max_value=90, required=False)
    longitude = forms.DecimalField(label=_("经度（WGS-84）"), max_digits=9, decimal_places=6, min_value=-180,
                                   max_value=180, required=False)
    accuracy_m = forms.IntegerField(label=_("定位精度（米）"), min_value=0, max_value=100_000, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("纬度和经度须同时填写。"))
        return data


class NotInFuture:
    def clean_time(self, name):
        value = self.cleaned_data.get(name)
        if value and value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("时间不能晚于现在。"))
        return value


class StartVisitForm(ResendMixin, PositionForm, NotInFuture):
    """Check in at a shop (from a task: the business and pair come from the task)."""

    business = forms.ModelChoiceField(label=_("检查对象"), queryset=Business.objects.none())
    partners = forms.ModelMultipleChoiceField(label=_("同行执法人员"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    checked_in_at = forms.DateTimeField(label=_("到达时间（留空为现在）"), widget=DATETIME, required=False)

    def __init__(self, *args, user=None, inspectors=None, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = inspectors.exclude(pk=user.pk)
        if task is not None:
            del self.fields["business"]
            self.fields["partners"].help_text = _("不选则为任务指派的检查组")
        else:
            self.fields["business"].queryset = Business.objects.visible_to(user)

    def clean_checked_in_at(self):
        return self.clean_time("checked_in_at")


class PeddlerVisitForm(ResendMixin, PositionForm, NotInFuture):
    """A peddler at a rural fair (流动商贩): no directory record."""

    region_code = forms.ChoiceField(label=_("所在乡镇"))
    peddler_location = forms.CharField(label=_("商贩位置（集市、摊位）"), max_length=200)
    peddler_description = forms.CharField(label=_("商贩情况（姓名、体貌、车辆等）"), max_length=200)
    goods_sold = forms.CharField(label=_("销售的种子"), max_length=200, required=False)
    farmer_own_surplus = forms.BooleanField(label=_("农民自繁自用剩余常规种子（《种子法》第三十七条）"), required=False)
    partners = forms.ModelMultipleChoiceField(label=_("同行执法人员"), queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    checked_in_at = forms.DateTimeField(label=_("到达时间（留空为现在）"), widget=DATETIME, required=False)

    def __init__(self, *args, user=None, inspectors=None, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = inspectors.exclude(pk=user.pk)
        self.fields["region_code"].choices = townships

    def clean_checked_in_at(self):
        return self.clean_time("checked_in_at")


class ChecklistForm(forms.Form):
    """One answer and note per checklist item that applies to the visited business."""

    def __init__(self, *args, items=(), answers=None, hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        answers, hints = answers or {}, hints or {}
        self.items = list(items)
        for item in self.items:
            hint = hints.get(item.code)
            self.fields[f"answer_{item.code}"] = forms.ChoiceField(
                label=item.text, choices=[("", "—"), *ChecklistAnswer.Answer.choices], required=False,
                initial=answers.get(item.code, ("", ""))[0],
                help_text=_("台账提示：%(lots)s") % {"lots": "、".join(f"{lot.variety.name} {lot.lot_number}"
                                                                   for lot in hint)} if hint else item.legal_basis)
            self.fields[f"note_{item.code}"] = forms.CharField(label=_("说明"), max_length=200, required=False,
                                                               initial=answers.get(item.code, ("", ""))[1])

    def answers(self):
        return {item.code: (self.cleaned_data[f"answer_{item.code}"], self.cleaned_data[f"note_{item.code}"])
                for item in self.items if self.cleaned_data.get(f"answer_{item.code}")}

    def clean(self):
        data = super().clean()
        if not self.errors and not self.answers():
            raise forms.ValidationError(_("请至少填写一个检查项目。"))
        return data


class FindingForm(ResendMixin):
    finding_type = forms.ModelChoiceField(label=_("问题类型"), queryset=None, to_field_name="code")
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    photos = MultipleImageField(label=_("照片（可多选）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding_type"].queryset = FindingType.objects.all()


class SignaturesMixin:
    """One signature image per inspector of the visit (their signature is the document's review)."""

    def add_signature_fields(self, people):
        self.signers = list(people)
        for user in self.signers:
            self.fields[f"signature_{user.pk}"] = forms.FileField(
                label=_("%(name)s签名（图片）") % {"name": user.display_name}, required=False,
                widget=forms.ClearableFileInput(attrs=IMAGE))

    def inspector_signatures(self):
        return {user: read_upload(self.cleaned_data.get(f"signature_{user.pk}")) for user in self.signers
                if self.cleaned_data.get(f"signature_{user.pk}")}


class CloseVisitForm(SignaturesMixin, PositionForm, NotInFuture):
    outcome = forms.ChoiceField(label=_("检查结论"), choices=Outcome.choices)
    refusal_account = forms.CharField(label=_("拒绝检查或抽样的情况"), widget=forms.Textarea(attrs={"rows": 2}),
                                      max_length=2000, required=False)
    rectification_items = forms.CharField(label=_("整改事项（每行一项，留空为各检查发现）"), max_length=2000,
                                          widget=forms.Textarea(attrs={"rows": 3}), required=False)
    rectification_days = forms.IntegerField(label=_("整改期限（日，留空按本县设置）"), min_value=1, max_value=180,
                                            required=False)
    case_summary = forms.CharField(label=_("案情摘要（移送立案）"), widget=forms.Textarea(attrs={"rows": 2}),
                                   max_length=2000, required=False)
    ack_signature = forms.FileField(label=_("被检查人签名（图片）"), required=False,
                                    widget=forms.ClearableFileInput(attrs=IMAGE))
    ack_refused = forms.BooleanField(label=_("被检查人拒绝签字"), required=False)
    ack_note = forms.CharField(label=_("拒签情况说明"), max_length=200, required=False)
    checked_out_at = forms.DateTimeField(label=_("离开时间（留空为现在）"), widget=DATETIME, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_signature_fields(people)

    def clean_checked_out_at(self):
        return self.clean_time("checked_out_at")


class SamplingForm(SignaturesMixin, ResendMixin):
    """The sampling form (抽样单): a lot from the dealer's ledger, or the label as read."""

    lot = forms.ModelChoiceField(label=_("种子批（经营者台账库存）"), queryset=None, required=False,
                                 help_text=_("不选则按标签填写下列品种、批号"))
    crop = forms.ModelChoiceField(label=_("作物"), queryset=Crop.objects.all(), required=False)
    variety_name = forms.CharField(label=_("品种名称（标签）"), max_length=60, required=False)
    lot_number = forms.CharField(label=_("批号（标签）"), max_length=60, required=False)
    producer_name = forms.CharField(label=_("生产经营者（标签）"), max_length=100, required=False)
    purity = forms.DecimalField(label=_("纯度（%，标签）"), min_value=0, max_value=100, max_digits=5,
                                decimal_places=1, required=False)
    cleanliness = forms.DecimalField(label=_("净度（%，标签）"), min_value=0, max_value=100, max_digits=5,
                                     decimal_places=1, required=False)
    germination = forms.DecimalField(label=_("发芽率（%，标签）"), min_value=0, max_value=100, max_digits=5,
                                     decimal_places=1, required=False)
    moisture = forms.DecimalField(label=_("水分（%，标签）"), min_value=0, max_value=100, max_digits=5,
                                  decimal_places=1, required=False)
    lot_size_kg = forms.DecimalField(label=_("种子批重量（千克）"), min_value=0, max_digits=12, decimal_places=2)
    packages = forms.IntegerField(label=_("件数（袋）"), min_value=1, max_value=1_000_000)
    sample_quantity_g = forms.IntegerField(label=_("抽样数量（克，留空按扦样规则）"), min_value=1, max_value=1_000_000,
                                           required=False)
    test_seals = forms.CharField(label=_("检验样品封签编号（多个用逗号分隔）"), max_length=400)
    backup_seals = forms.CharField(label=_("备份样品封签编号（多个用逗号分隔）"), max_length=400)
    backup_kept_at = forms.CharField(label=_("备份样品保存地点"), max_length=100)
    business_signer = forms.CharField(label=_("被抽样单位签字人"), max_length=50, required=False)
    business_signature = forms.FileField(label=_("被抽样单位签名（图片）"), required=False,
                                         widget=forms.ClearableFileInput(attrs=IMAGE))
    business_refused_to_sign = forms.BooleanField(label=_("被抽样单位拒绝签字"), required=False)

    def __init__(self, *args, lots=None, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = lots
        self.add_signature_fields(people)

    def label(self):
        return {k: self.cleaned_data[k] for k in ("purity", "cleanliness", "germination", "moisture")
                if self.cleaned_data.get(k) is not None}

    @staticmethod
    def seals(text):
        return [s.strip() for s in text.replace("，", ",").replace("、", ",").replace("\n", ",").split(",") if s.strip()]


class JoinVisitForm(forms.Form):
    """An inspector joining the visit (themselves, or a colleague added by someone on it)."""

    inspector = forms.ModelChoiceField(label=_("同行执法人员"), queryset=None)

    def __init__(self, *args, inspectors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors


class StockCountForm(forms.Form):
    """A lot the dealer holds, counted on the shelf; the ledger's stock is shown beside each lot."""

    lot = forms.ModelChoiceField(label=_("种子批（经营者台账库存）"), queryset=None)
    counted_kg = forms.DecimalField(label=_("实物数量（千克）"), min_value=0, max_digits=14, decimal_places=3)
    counted_packages = forms.IntegerField(label=_("实物件数（袋）"), min_value=0, max_value=1_000_000, required=False)

    def __init__(self, *args, lots=None, stock=None, **kwargs):
        super().__init__(*args, **kwargs)
        stock = stock or {}
        self.fields["lot"].queryset = lots
        self.fields["lot"].label_from_instance = lambda lot: _("%(lot)s（台账 %(kg)s 千克）") % {
            "lot": lot, "kg": f"{stock.get(lot.pk, Decimal(0)).normalize():f}"}


class ConcludeRectificationForm(forms.Form):
    rectified = forms.TypedChoiceField(label=_("复查结论"), coerce=lambda v: v == "yes",
                                       choices=[("yes", _("已整改")), ("no", _("逾期未整改"))])
    note = forms.CharField(label=_("复查情况"), max_length=200)
