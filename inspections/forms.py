"""Forms for the station's inspection pages: they shape input; services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from licensing.models import Business, Crop

from .models import CampaignMode, Complaint, Season

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
