from django.db import migrations

MAIN = [("rice", "水稻", "稻"), ("wheat", "小麦", "麦"), ("maize", "玉米", "玉"), ("cotton", "棉花", "棉"),
        ("soybean", "大豆", "豆")]
# 非主要农作物品种登记目录（第一批，2017）: 29 crops.
REGISTERED = [("potato", "马铃薯"), ("sweet_potato", "甘薯"), ("foxtail_millet", "谷子"), ("sorghum", "高粱"),
              ("barley", "大麦"), ("broad_bean", "蚕豆"), ("pea", "豌豆"), ("rapeseed", "油菜"), ("peanut", "花生"),
              ("flax", "亚麻"), ("sunflower", "向日葵"), ("sugarcane", "甘蔗"), ("sugar_beet", "甜菜"),
              ("chinese_cabbage", "大白菜"), ("cabbage", "结球甘蓝"), ("cucumber", "黄瓜"), ("tomato", "番茄"),
              ("pepper", "辣椒"), ("stem_mustard", "茎瘤芥"), ("watermelon", "西瓜"), ("melon", "甜瓜"),
              ("apple", "苹果"), ("citrus", "柑橘"), ("banana", "香蕉"), ("pear", "梨"), ("grape", "葡萄"),
              ("peach", "桃"), ("tea", "茶树"), ("mulberry", "桑树")]


def load(apps, schema_editor):
    Crop = apps.get_model("licensing", "Crop")
    for i, (code, name, abbr) in enumerate(MAIN):
        Crop.objects.get_or_create(code=code, defaults=dict(name=name, abbreviation=abbr, is_main_crop=True,
                                                            sort_order=i))
    for i, (code, name) in enumerate(REGISTERED):
        Crop.objects.get_or_create(code=code, defaults=dict(name=name, needs_registration=True, sort_order=10 + i))
    Crop.objects.get_or_create(code="other", defaults=dict(name="其他", sort_order=99))


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
