from django import forms

from .models import Confirmation


class ReviseStandardForm(forms.Form):
    effective_from = forms.DateField(label="新版本生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    standard = forms.CharField(label="标准", max_length=40)
    purity_min = forms.DecimalField(label="纯度不低于（%）", required=False, max_digits=4, decimal_places=1)
    cleanliness_min = forms.DecimalField(label="净度不低于（%）", required=False, max_digits=4, decimal_places=1)
    germination_min = forms.DecimalField(label="发芽率不低于（%）", required=False, max_digits=4, decimal_places=1)
    moisture_max = forms.DecimalField(label="水分不高于（%）", required=False, max_digits=4, decimal_places=1)
    moisture_max_north = forms.DecimalField(label="长城以北和高寒地区水分不高于（%）", required=False, max_digits=4,
                                            decimal_places=1)
    moisture_max_japonica = forms.DecimalField(label="粳稻水分不高于（%）", required=False, max_digits=4,
                                               decimal_places=1)
    status = forms.ChoiceField(label="核实状态", choices=Confirmation.choices)
    source = forms.CharField(label="来源", max_length=300, help_text="标准文本、公告或文件名及条款")
    reason = forms.CharField(label="修订理由", max_length=300, required=False)


class ReviseToleranceForm(forms.Form):
    effective_from = forms.DateField(label="新版本生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    limit = forms.DecimalField(label="容许差", max_digits=5, decimal_places=1)
    status = forms.ChoiceField(label="核实状态", choices=Confirmation.choices)
    source = forms.CharField(label="来源", max_length=300)
    reason = forms.CharField(label="修订理由", max_length=300, required=False)
