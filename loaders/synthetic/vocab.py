"""Vocabulary, name pools and cheap hashing for the synthetic bank.

Faker is slow per call, so it is asked once, at start, for pools of surnames, given names, streets
and company name parts; rows are then composed from these pools with `random.Random`. Facts that
other entities need to look up about an entity without storing it (a company's name, whether it
uses our payroll service) come from `Hasher`, a keyed integer hash, so they cost O(1) memory.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from random import Random

from faker import Faker

from graph.model import InstitutionType, ProductType, TagCategory

TODAY = date(2026, 6, 30)
"""The generator's fixed "today": every date it writes is on or before it (bar planned products)."""
TODAY_ORD = TODAY.toordinal()
EPOCH_ORD = date(2000, 1, 1).toordinal()  # nobody became a customer before it

BANK = "汇融银行"
EMAIL_DOMAIN = "huirongbank.cn"


class LatentType(StrEnum):
    """The hidden customer type that drives holdings; written only to ground_truth/."""

    YOUNG_PROFESSIONAL = "YOUNG_PROFESSIONAL"  # 年轻白领
    AFFLUENT_FAMILY = "AFFLUENT_FAMILY"  # 富裕家庭
    RETIREE = "RETIREE"  # 退休人士
    BUSINESS_OWNER = "BUSINESS_OWNER"  # 企业主 (owns an SME, or controls a group)
    SME = "SME"  # 小微/中型企业
    LARGE_CORPORATE = "LARGE_CORPORATE"  # 大型企业
    FINANCIAL_INSTITUTION = "FINANCIAL_INSTITUTION"  # 金融机构


_T = ProductType
# P(a customer of this type holds at least one product of this type). Rows are the ground truth
# a cross-sell model should rediscover; they are also written to ground_truth/propensity.csv.
PROPENSITY: dict[LatentType, dict[ProductType, float]] = {
    LatentType.YOUNG_PROFESSIONAL: {
        _T.DEPOSIT: 0.92, _T.LOAN: 0.35, _T.SETTLEMENT_ACCOUNT: 0.85, _T.PAYROLL_SERVICE: 0.0,
        _T.WEALTH_MANAGEMENT: 0.40, _T.INSURANCE: 0.15, _T.CUSTODY: 0.03, _T.LEASING: 0.04,
        _T.PENSION: 0.22, _T.FX: 0.18, _T.DEBT_INSTRUMENT: 0.0,
    },
    LatentType.AFFLUENT_FAMILY: {
        _T.DEPOSIT: 0.97, _T.LOAN: 0.40, _T.SETTLEMENT_ACCOUNT: 0.90, _T.PAYROLL_SERVICE: 0.0,
        _T.WEALTH_MANAGEMENT: 0.85, _T.INSURANCE: 0.60, _T.CUSTODY: 0.15, _T.LEASING: 0.05,
        _T.PENSION: 0.35, _T.FX: 0.40, _T.DEBT_INSTRUMENT: 0.08,
    },
    LatentType.RETIREE: {
        _T.DEPOSIT: 0.98, _T.LOAN: 0.03, _T.SETTLEMENT_ACCOUNT: 0.75, _T.PAYROLL_SERVICE: 0.0,
        _T.WEALTH_MANAGEMENT: 0.50, _T.INSURANCE: 0.35, _T.CUSTODY: 0.02, _T.LEASING: 0.0,
        _T.PENSION: 0.60, _T.FX: 0.05, _T.DEBT_INSTRUMENT: 0.02,
    },
    LatentType.BUSINESS_OWNER: {
        _T.DEPOSIT: 0.95, _T.LOAN: 0.60, _T.SETTLEMENT_ACCOUNT: 0.90, _T.PAYROLL_SERVICE: 0.0,
        _T.WEALTH_MANAGEMENT: 0.55, _T.INSURANCE: 0.30, _T.CUSTODY: 0.08, _T.LEASING: 0.10,
        _T.PENSION: 0.20, _T.FX: 0.25, _T.DEBT_INSTRUMENT: 0.05,
    },
    LatentType.SME: {
        _T.DEPOSIT: 0.70, _T.LOAN: 0.55, _T.SETTLEMENT_ACCOUNT: 0.97, _T.PAYROLL_SERVICE: 0.35,
        _T.WEALTH_MANAGEMENT: 0.20, _T.INSURANCE: 0.15, _T.CUSTODY: 0.02, _T.LEASING: 0.12,
        _T.PENSION: 0.05, _T.FX: 0.20, _T.DEBT_INSTRUMENT: 0.0,
    },
    LatentType.LARGE_CORPORATE: {
        _T.DEPOSIT: 0.95, _T.LOAN: 0.80, _T.SETTLEMENT_ACCOUNT: 0.99, _T.PAYROLL_SERVICE: 0.60,
        _T.WEALTH_MANAGEMENT: 0.45, _T.INSURANCE: 0.40, _T.CUSTODY: 0.20, _T.LEASING: 0.35,
        _T.PENSION: 0.50, _T.FX: 0.60, _T.DEBT_INSTRUMENT: 0.05,
    },
    LatentType.FINANCIAL_INSTITUTION: {
        _T.DEPOSIT: 0.80, _T.LOAN: 0.10, _T.SETTLEMENT_ACCOUNT: 0.90, _T.PAYROLL_SERVICE: 0.30,
        _T.WEALTH_MANAGEMENT: 0.20, _T.INSURANCE: 0.05, _T.CUSTODY: 0.85, _T.LEASING: 0.02,
        _T.PENSION: 0.20, _T.FX: 0.50, _T.DEBT_INSTRUMENT: 0.95,
    },
}  # fmt: skip

# Typical holding size (CNY) by latent type, scaled per product type below; amounts are lognormal.
AMOUNT_SCALE: dict[LatentType, float] = {
    LatentType.YOUNG_PROFESSIONAL: 4e4,
    LatentType.AFFLUENT_FAMILY: 8e5,
    LatentType.RETIREE: 2e5,
    LatentType.BUSINESS_OWNER: 5e5,
    LatentType.SME: 1e6,
    LatentType.LARGE_CORPORATE: 5e7,
    LatentType.FINANCIAL_INSTITUTION: 2e8,
}
AMOUNT_FACTOR: dict[ProductType, float] = {
    _T.DEPOSIT: 1.0, _T.LOAN: 2.5, _T.SETTLEMENT_ACCOUNT: 0.3, _T.PAYROLL_SERVICE: 0.5,
    _T.WEALTH_MANAGEMENT: 1.2, _T.INSURANCE: 0.3, _T.CUSTODY: 3.0, _T.LEASING: 1.5,
    _T.PENSION: 0.2, _T.FX: 0.4, _T.DEBT_INSTRUMENT: 0.3,
}  # fmt: skip

# (KEY, VALUE, POTENTIAL) per latent type; tuned so the bank is ~5% / ~25% / ~70%.
SEGMENT_WEIGHTS: dict[LatentType, tuple[float, float, float]] = {
    LatentType.YOUNG_PROFESSIONAL: (0.01, 0.13, 0.86),
    LatentType.AFFLUENT_FAMILY: (0.14, 0.50, 0.36),
    LatentType.RETIREE: (0.03, 0.24, 0.73),
    LatentType.BUSINESS_OWNER: (0.07, 0.30, 0.63),
    LatentType.SME: (0.02, 0.18, 0.80),
    LatentType.LARGE_CORPORATE: (0.25, 0.50, 0.25),
    LatentType.FINANCIAL_INSTITUTION: (0.25, 0.55, 0.20),
}
# (TRANSACTIONAL, WEALTH, COMPREHENSIVE) per latent type (seed 001's need axis).
NEED_WEIGHTS: dict[LatentType, tuple[float, float, float]] = {
    LatentType.YOUNG_PROFESSIONAL: (0.6, 0.3, 0.1),
    LatentType.AFFLUENT_FAMILY: (0.1, 0.5, 0.4),
    LatentType.RETIREE: (0.2, 0.7, 0.1),
    LatentType.BUSINESS_OWNER: (0.2, 0.2, 0.6),
    LatentType.SME: (0.6, 0.1, 0.3),
    LatentType.LARGE_CORPORATE: (0.2, 0.1, 0.7),
    LatentType.FINANCIAL_INSTITUTION: (0.3, 0.2, 0.5),
}
# Risk tolerance (R1..R5 as 1..5) range per latent type.
RISK_RANGE: dict[LatentType, tuple[int, int]] = {
    LatentType.YOUNG_PROFESSIONAL: (2, 4),
    LatentType.AFFLUENT_FAMILY: (2, 5),
    LatentType.RETIREE: (1, 2),
    LatentType.BUSINESS_OWNER: (3, 4),
    LatentType.SME: (2, 3),
    LatentType.LARGE_CORPORATE: (3, 4),
    LatentType.FINANCIAL_INSTITUTION: (4, 5),
}
AGE_RANGE: dict[LatentType, tuple[int, int]] = {
    LatentType.YOUNG_PROFESSIONAL: (22, 35),
    LatentType.AFFLUENT_FAMILY: (35, 58),
    LatentType.RETIREE: (60, 82),
    LatentType.BUSINESS_OWNER: (30, 62),
}
OCCUPATIONS: dict[LatentType, tuple[str, ...]] = {
    LatentType.YOUNG_PROFESSIONAL: (
        "软件工程师", "产品经理", "教师", "护士", "销售代表", "会计", "设计师", "公务员",
        "律师助理", "数据分析师", "市场专员", "医生",
    ),
    LatentType.AFFLUENT_FAMILY: (
        "企业高管", "医生", "律师", "大学教授", "部门总监", "注册会计师", "建筑师", "公务员",
    ),
    LatentType.RETIREE: ("退休",),
    LatentType.BUSINESS_OWNER: ("企业主", "个体工商户", "公司股东"),
}  # fmt: skip

# Provinces with their GB/T 2260 codes, main cities and an economic weight for placement.
PROVINCES: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    ("北京市", "11", ("北京",), 6.0),
    ("天津市", "12", ("天津",), 2.0),
    ("河北省", "13", ("石家庄", "唐山", "保定", "廊坊"), 3.0),
    ("山西省", "14", ("太原", "大同"), 1.5),
    ("内蒙古自治区", "15", ("呼和浩特", "包头"), 1.0),
    ("辽宁省", "21", ("沈阳", "大连"), 2.0),
    ("吉林省", "22", ("长春", "吉林"), 1.0),
    ("黑龙江省", "23", ("哈尔滨", "大庆"), 1.0),
    ("上海市", "31", ("上海",), 6.0),
    ("江苏省", "32", ("南京", "苏州", "无锡", "常州", "南通"), 7.0),
    ("浙江省", "33", ("杭州", "宁波", "温州", "绍兴", "嘉兴"), 6.0),
    ("安徽省", "34", ("合肥", "芜湖"), 2.5),
    ("福建省", "35", ("福州", "厦门", "泉州"), 3.0),
    ("江西省", "36", ("南昌", "赣州"), 1.5),
    ("山东省", "37", ("济南", "青岛", "烟台", "潍坊"), 5.0),
    ("河南省", "41", ("郑州", "洛阳"), 3.5),
    ("湖北省", "42", ("武汉", "宜昌", "襄阳"), 3.0),
    ("湖南省", "43", ("长沙", "株洲"), 3.0),
    ("广东省", "44", ("广州", "深圳", "佛山", "东莞", "珠海"), 8.0),
    ("广西壮族自治区", "45", ("南宁", "柳州"), 1.5),
    ("海南省", "46", ("海口", "三亚"), 0.6),
    ("重庆市", "50", ("重庆",), 2.5),
    ("四川省", "51", ("成都", "绵阳"), 3.5),
    ("贵州省", "52", ("贵阳", "遵义"), 1.0),
    ("云南省", "53", ("昆明", "大理"), 1.5),
    ("西藏自治区", "54", ("拉萨",), 0.2),
    ("陕西省", "61", ("西安", "宝鸡"), 2.0),
    ("甘肃省", "62", ("兰州",), 0.8),
    ("青海省", "63", ("西宁",), 0.3),
    ("宁夏回族自治区", "64", ("银川",), 0.3),
    ("新疆维吾尔自治区", "65", ("乌鲁木齐",), 0.8),
)
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
PROVINCE_CODE = {name: code for name, code, _, _ in PROVINCES}
PROVINCE_CITIES = {name: cities for name, _, cities, _ in PROVINCES}


def cumulative(weights: Sequence[float]) -> list[float]:
    """Running shares of the total, for drawing an index with `bisect`."""
    total = sum(weights)
    acc, out = 0.0, []
    for w in weights:
        acc += w / total
        out.append(acc)
    return out


_PROVINCE_CUM = cumulative([w for _, _, _, w in PROVINCES])


def province_at(u: float) -> tuple[str, str, tuple[str, ...], float]:
    """The province at point `u` in [0, 1) of the economic weights."""
    return PROVINCES[min(bisect.bisect_right(_PROVINCE_CUM, u), len(PROVINCES) - 1)]


def pick_province(rng: Random) -> str:
    return province_at(rng.random())[0]


def day(rng: Random, low: int, high: int) -> int:
    """A date ordinal in [low, high]; `low` when the range is empty."""
    return rng.randint(low, high) if high > low else low


def lognormal(rng: Random, median: float, sigma: float = 0.9) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def pick_index(rng: Random, weights: Sequence[float]) -> int:
    """Index drawn with the given weights (which need not sum to 1)."""
    r = rng.random() * sum(weights)
    for i, w in enumerate(weights):
        r -= w
        if r < 0:
            return i
    return len(weights) - 1


def short_province(province: str) -> str:
    for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"):
        if province.endswith(suffix):
            return province[: -len(suffix)]
    return province


# Real districts of the larger cities; other cities get the generic names most cities have.
CITY_DISTRICTS: dict[str, tuple[str, ...]] = {
    "北京": ("东城区", "西城区", "朝阳区", "海淀区", "丰台区", "通州区", "昌平区"),
    "上海": ("黄浦区", "徐汇区", "静安区", "浦东新区", "闵行区", "杨浦区", "长宁区"),
    "天津": ("和平区", "河西区", "南开区", "滨海新区"),
    "重庆": ("渝中区", "江北区", "渝北区", "沙坪坝区", "九龙坡区"),
    "广州": ("天河区", "越秀区", "海珠区", "番禺区", "白云区"),
    "深圳": ("福田区", "南山区", "罗湖区", "宝安区", "龙岗区"),
    "杭州": ("上城区", "西湖区", "拱墅区", "滨江区", "萧山区"),
    "南京": ("玄武区", "鼓楼区", "建邺区", "秦淮区", "江宁区"),
    "苏州": ("姑苏区", "吴中区", "相城区", "虎丘区"),
    "成都": ("锦江区", "青羊区", "武侯区", "成华区", "金牛区"),
    "武汉": ("江岸区", "江汉区", "武昌区", "洪山区", "汉阳区"),
    "西安": ("雁塔区", "碑林区", "新城区", "未央区"),
    "长沙": ("芙蓉区", "天心区", "岳麓区", "开福区"),
    "郑州": ("金水区", "中原区", "二七区", "管城回族区"),
    "济南": ("历下区", "市中区", "槐荫区", "历城区"),
    "青岛": ("市南区", "市北区", "崂山区", "黄岛区"),
    "宁波": ("海曙区", "江北区", "鄞州区", "镇海区"),
    "厦门": ("思明区", "湖里区", "集美区", "海沧区"),
    "福州": ("鼓楼区", "台江区", "仓山区", "晋安区"),
    "合肥": ("蜀山区", "包河区", "庐阳区", "瑶海区"),
}
GENERIC_DISTRICTS = (
    "城关区",
    "城东区",
    "城西区",
    "城南区",
    "城北区",
    "高新区",
    "经济开发区",
    "新区",
)

TRADE_WORDS = ("科技", "网络", "信息", "传媒", "软件", "电子", "技术", "数据", "智能")

# Industry (国民经济行业门类) → (weight, name stems, legal-form suffixes).
INDUSTRIES: tuple[tuple[str, float, tuple[str, ...], tuple[str, ...]], ...] = (
    ("制造业", 18.0, ("机械", "精密制造", "电子", "新材料", "汽车零部件", "智能装备", "化工"),
     ("有限公司", "股份有限公司")),
    ("批发和零售业", 16.0, ("商贸", "贸易", "百货", "供应链", "电器"), ("有限公司", "商行")),
    ("建筑业", 9.0, ("建设工程", "建筑安装", "装饰工程", "市政工程"), ("有限公司",)),
    ("信息传输、软件和信息技术服务业", 9.0, ("科技", "信息技术", "软件", "网络科技", "数据"),
     ("有限公司",)),
    ("房地产业", 5.0, ("置业", "房地产开发", "物业管理"), ("有限公司",)),
    ("交通运输、仓储和邮政业", 6.0, ("物流", "运输", "仓储", "航运"), ("有限公司",)),
    ("租赁和商务服务业", 8.0, ("企业管理", "商务咨询", "人力资源", "广告"), ("有限公司",)),
    ("科学研究和技术服务业", 4.0, ("生物科技", "检测技术", "环保科技"), ("有限公司",)),
    ("住宿和餐饮业", 5.0, ("餐饮管理", "酒店管理", "食品"), ("有限公司",)),
    ("农、林、牧、渔业", 3.0, ("农业发展", "生态农业", "种业"), ("有限公司", "合作社")),
    ("电力、热力、燃气及水生产和供应业", 2.0, ("能源", "电力", "燃气", "水务"),
     ("有限公司", "股份有限公司")),
    ("卫生和社会工作", 2.0, ("医疗管理", "健康管理", "医药"), ("有限公司",)),
    ("文化、体育和娱乐业", 2.0, ("文化传媒", "影视", "体育发展"), ("有限公司",)),
)  # fmt: skip
LARGE_INDUSTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("制造业", ("重工", "汽车", "钢铁", "电气", "化工")),
    ("电力、热力、燃气及水生产和供应业", ("能源", "电力", "水务", "燃气")),
    ("建筑业", ("建工", "城建", "路桥", "交通建设")),
    ("房地产业", ("地产", "置地")),
    ("交通运输、仓储和邮政业", ("港务", "航空", "高速公路", "物流")),
    ("批发和零售业", ("商业", "医药流通", "粮油")),
    ("信息传输、软件和信息技术服务业", ("信息产业", "通信")),
    ("租赁和商务服务业", ("城市建设投资", "国有资本运营", "产业投资")),
)
LARGE_SUFFIXES = ("集团有限公司", "集团股份有限公司", "股份有限公司", "控股集团有限公司")
HOLDING_SUFFIXES = ("投资控股有限公司", "实业有限公司", "投资有限公司", "控股有限公司")
SHELL_STEMS = ("贸易", "商务咨询", "投资管理", "供应链管理", "国际贸易", "实业")

# Institution type → (weight in the FI population, name templates; {p}=prefix, {c}=city).
FI_KINDS: dict[InstitutionType, tuple[int, tuple[str, ...]]] = {
    InstitutionType.BANK: (7, ("{c}农村商业银行股份有限公司", "{c}银行股份有限公司",
                               "{p}银行股份有限公司", "{c}{p}村镇银行股份有限公司")),
    InstitutionType.SECURITIES: (6, ("{p}证券股份有限公司", "{p}证券有限责任公司")),
    InstitutionType.INSURANCE: (3, ("{p}人寿保险股份有限公司", "{p}财产保险股份有限公司")),
    InstitutionType.FUND: (2, ("{p}基金管理有限公司",)),
    InstitutionType.TRUST: (1, ("{c}国际信托有限公司", "{p}信托有限责任公司")),
    InstitutionType.FINANCE_COMPANY: (1, ("{p}集团财务有限公司",)),
}  # fmt: skip
INVESTOR_KINDS: tuple[tuple[InstitutionType, str], ...] = (
    (InstitutionType.FUND, "{p}基金管理有限公司"),
    (InstitutionType.INSURANCE, "{p}资产管理股份有限公司"),
    (InstitutionType.SECURITIES, "{p}证券资产管理有限公司"),
    (InstitutionType.TRUST, "{p}信托有限责任公司"),
)

EXTRA_PREFIXES = (
    "华信", "恒达", "鑫源", "宏图", "中天", "金桥", "瑞祥", "永泰", "天成", "博远", "嘉和", "盛世",
    "东方", "新锐", "卓越", "万通", "海川", "星辰", "远景", "同舟", "和润", "德润", "华美", "安泰",
    "宏达", "启明", "聚力", "恒信", "鼎盛", "裕隆", "泰和", "锦程", "宏远", "兴业", "长风", "蓝海",
    "汇通", "广源", "国泰", "正源", "明德", "佳禾", "富邦", "晨光", "润丰", "华瑞", "景泰", "海纳",
    "中联", "信和", "德信", "振华", "金鼎", "光大", "昌盛", "利丰", "万合", "九州", "天合", "银河",
)  # fmt: skip
ROAD_STEMS = (
    "人民", "解放", "中山", "建设", "文化", "和平", "新华", "胜利", "长江", "黄河", "世纪", "青年",
    "朝阳", "光明", "友谊", "复兴", "滨江", "学院", "科技", "金融", "东风", "北京", "南京", "延安",
)  # fmt: skip

EXEC_TITLES_LARGE = ("董事长", "总经理", "财务总监", "副总经理", "董事会秘书", "监事会主席")
EXEC_TITLES_SME = ("执行董事兼总经理", "财务负责人", "监事", "副总经理")
STAFF_POSITIONS = (
    "部门经理", "财务经理", "销售经理", "工程师", "会计", "人力资源经理", "技术总监", "采购主管",
    "项目经理", "行政主管", "高级工程师", "运营总监",
)  # fmt: skip

# Private-domain content topics (私域流量) and the product type each one is about.
TOPICS: tuple[tuple[str, ProductType | None], ...] = (
    ("理财", _T.WEALTH_MANAGEMENT),
    ("养老金", _T.PENSION),
    ("代发工资", _T.PAYROLL_SERVICE),
    ("债券", _T.DEBT_INSTRUMENT),
    ("外汇", _T.FX),
    ("保险", _T.INSURANCE),
    ("贷款", _T.LOAN),
    ("存款", _T.DEPOSIT),
    ("融资租赁", _T.LEASING),
    ("资产托管", _T.CUSTODY),
    ("结算", _T.SETTLEMENT_ACCOUNT),
    ("反诈宣传", None),
)
CHANNELS = ("企业微信", "手机银行", "微信公众号", "短信", "视频号")

# Tag catalogue: (code, name, category); tags.csv ids are T001.. in this order.
TAGS: tuple[tuple[str, str, TagCategory], ...] = (
    ("young", "青年客群", TagCategory.BASIC),
    ("silver", "银发客群", TagCategory.BASIC),
    ("newcomer", "新市民", TagCategory.BASIC),
    ("micro", "小微企业", TagCategory.BASIC),
    ("large", "大型企业", TagCategory.BASIC),
    ("fi", "金融同业", TagCategory.BASIC),
    ("private_bank", "私人银行客户", TagCategory.BASIC),
    ("overdue", "逾期记录", TagCategory.CREDIT_RISK),
    ("good_credit", "征信良好", TagCategory.CREDIT_RISK),
    ("credit_line", "授信客户", TagCategory.CREDIT_RISK),
    ("warning", "风险预警关注", TagCategory.CREDIT_RISK),
    ("hnw", "高净值", TagCategory.FINANCIAL_BEHAVIOUR),
    ("payroll", "代发客户", TagCategory.FINANCIAL_BEHAVIOUR),
    ("wealth_pref", "理财偏好", TagCategory.FINANCIAL_BEHAVIOUR),
    ("mortgage", "房贷客户", TagCategory.FINANCIAL_BEHAVIOUR),
    ("pension", "养老金开户", TagCategory.FINANCIAL_BEHAVIOUR),
    ("fx_active", "外汇交易活跃", TagCategory.FINANCIAL_BEHAVIOUR),
    ("bond_investor", "债券投资者", TagCategory.FINANCIAL_BEHAVIOUR),
    ("big_settlement", "结算大户", TagCategory.FINANCIAL_BEHAVIOUR),
    ("engaged", "内容互动活跃", TagCategory.NON_FINANCIAL_BEHAVIOUR),
    ("sharer", "分享达人", TagCategory.NON_FINANCIAL_BEHAVIOUR),
    ("pension_topic", "养老话题关注", TagCategory.NON_FINANCIAL_BEHAVIOUR),
    ("wealth_topic", "理财话题关注", TagCategory.NON_FINANCIAL_BEHAVIOUR),
    ("dormant", "沉睡客户", TagCategory.NON_FINANCIAL_BEHAVIOUR),
    ("phone_verified", "手机号已验证", TagCategory.CONTACT),
    ("prefers_phone", "偏好电话联系", TagCategory.CONTACT),
    ("prefers_wechat", "偏好微信联系", TagCategory.CONTACT),
    ("stale_address", "地址待更新", TagCategory.CONTACT),
    ("mobile_active", "手机银行活跃", TagCategory.CHANNEL),
    ("branch_pref", "网点偏好", TagCategory.CHANNEL),
    ("corp_ebank", "企业网银用户", TagCategory.CHANNEL),
    ("wecom_friend", "企业微信好友", TagCategory.CHANNEL),
    ("cross_sell", "交叉销售潜力高", TagCategory.ANALYSIS),
    ("churn", "流失风险", TagCategory.ANALYSIS),
    ("upside", "价值提升潜力", TagCategory.ANALYSIS),
    ("linkage", "公私联动潜力", TagCategory.ANALYSIS),
)
TAG_IDS = {code: f"T{i + 1:03d}" for i, (code, _, _) in enumerate(TAGS)}

PROHIBITION_LISTS: tuple[tuple[str, str, str], ...] = (
    ("央行黑名单", "中国人民银行", "涉嫌洗钱及违规跨境资金转移"),
    ("制裁名单", "外交部反制裁清单", "列入反外国制裁清单"),
    ("内部禁止名单", "汇融银行风险管理委员会", "欺诈骗贷被列入内部禁入"),
    ("反洗钱高风险名单", "汇融银行反洗钱中心", "可疑交易多次上报"),
    ("失信被执行人名单", "最高人民法院", "有履行能力而拒不履行生效法律文书确定义务"),
)
ACCESS_LISTS: dict[str, tuple[str, str]] = {
    "underwriter": ("承销商准入名单", "符合债务融资工具承销业务准入条件"),
    "investor": ("投资人准入名单", "合格机构投资者"),
    "partner": ("合作机构准入名单", "同业合作准入"),
}

RISK_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("经营异常", "工商信息", "被列入经营异常名录"),
    ("涉诉风险", "司法信息", "新增涉案金额较大的被诉案件"),
    ("舆情风险", "舆情监测", "出现负面媒体报道"),
    ("评级下调", "外部评级", "主体信用评级被下调"),
    ("担保圈风险", "内部风控", "所在担保圈出现代偿"),
    ("关联方风险", "内部风控", "关联企业出现违约"),
    ("大额资金异动", "反洗钱监测", "短期内大额资金集中转入转出"),
)
OVERDUE_WARNING = ("服务费逾期", "内部风控", "服务费逾期未缴金额")


class Hasher:
    """A keyed 64-bit mix (splitmix64). Same key and input, same output, in any process."""

    _MASK = (1 << 64) - 1

    def __init__(self, seed: int) -> None:
        self._key = self._mix((seed * 0x2545F4914F6CDD1D) & self._MASK)

    @classmethod
    def _mix(cls, z: int) -> int:
        z = (z + 0x9E3779B97F4A7C15) & cls._MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & cls._MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & cls._MASK
        return z ^ (z >> 31)

    def bits(self, stream: int, value: int) -> int:
        return self._mix(self._key ^ self._mix((stream << 40) ^ value))

    def unit(self, stream: int, value: int) -> float:
        """Uniform in [0, 1)."""
        return (self.bits(stream, value) >> 11) * (1.0 / (1 << 53))


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(province_code: str, birth: date, male: bool, number: int) -> str:
    """A well-formed 18-digit resident id (GB 11643) that is unique per `number` < 5,000,000.

    The person's number is folded into the area digits and the sequence, so ids never collide
    without remembering the ones already issued.
    """
    parity = (number % 5) * 2 + (1 if male else 0)
    rest = number // 5
    area = (rest // 100 * 7919 + 101) % 10000  # a bijection on 0..9999
    body = f"{province_code}{area:04d}{birth:%Y%m%d}{rest % 100:02d}{parity}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    return body + check


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(province_code: str, number: int, salt: int) -> str:
    """A unified social credit code (GB 32100) with valid check characters, unique per number."""
    value = (number * 0x3D09 + salt) % (31**8)  # 0x3D09 is coprime to 31, so this is a bijection
    chars = []
    for _ in range(8):
        value, digit = divmod(value, 31)
        chars.append(_CREDIT_CHARS[digit])
    org = "".join(reversed(chars))
    org_sum = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(org, _ORG_WEIGHTS, strict=True))
    org_check = 11 - org_sum % 11
    org += "X" if org_check == 10 else "0" if org_check == 11 else str(org_check)
    area = f"{province_code}{(number * 37 + salt) % 9000 + 1000:04d}"
    body = f"91{area}{org}"
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(body, _CREDIT_WEIGHTS, strict=True))
    return body + _CREDIT_CHARS[(31 - total % 31) % 31]


@dataclass(frozen=True)
class Pools:
    """Name parts drawn from Faker zh_CN once; composing from them is ~100x cheaper than Faker."""

    surnames: tuple[str, ...]  # sampled with Faker's frequency weights, so 王/李/张 dominate
    given_male: tuple[str, ...]
    given_female: tuple[str, ...]
    chars_male: tuple[str, ...]
    chars_female: tuple[str, ...]
    streets: tuple[str, ...]
    prefixes: tuple[str, ...]

    @classmethod
    def build(cls, seed: int) -> Pools:
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        surnames = tuple(fake.last_name() for _ in range(4000))
        given_male = tuple(fake.first_name_male() for _ in range(1500))
        given_female = tuple(fake.first_name_female() for _ in range(1500))
        faker_streets = {fake.street_name() for _ in range(800)}
        streets = tuple(sorted(faker_streets | {f"{stem}路" for stem in ROAD_STEMS}))
        prefixes = tuple(sorted({fake.company_prefix() for _ in range(600)} | set(EXTRA_PREFIXES)))
        return cls(
            surnames=surnames,
            given_male=given_male,
            given_female=given_female,
            chars_male=tuple(sorted({ch for name in given_male for ch in name})),
            chars_female=tuple(sorted({ch for name in given_female for ch in name})),
            streets=streets,
            # Faker's prefixes include trade words (飞海科技); with an industry stem after them
            # that gives 飞海科技科技有限公司, so keep the plain brand names only.
            prefixes=tuple(
                p for p in prefixes if 2 <= len(p) <= 4 and not any(w in p for w in TRADE_WORDS)
            ),
        )

    def given_name(self, rng: Random, male: bool) -> str:
        # Half the names come from Faker's list as is; half are composed from its characters so a
        # million people do not share a few hundred names.
        if rng.random() < 0.5:
            return rng.choice(self.given_male if male else self.given_female)
        chars = self.chars_male if male else self.chars_female
        if rng.random() < 0.25:
            return rng.choice(chars)
        return rng.choice(chars) + rng.choice(chars)

    def person_name(self, rng: Random, male: bool, surname: str | None = None) -> str:
        return (surname or rng.choice(self.surnames)) + self.given_name(rng, male)

    def address(self, rng: Random, province: str, city: str) -> str:
        head = province if province in MUNICIPALITIES else f"{province}{city}市"
        district = rng.choice(CITY_DISTRICTS.get(city, GENERIC_DISTRICTS))
        return f"{head}{district}{rng.choice(self.streets)}{rng.randint(1, 999)}号"


def mobile(rng: Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def landline(rng: Random) -> str:
    return f"0{rng.randint(10, 999)}-{rng.randint(2, 8)}{rng.randrange(10**7):07d}"


def cn_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for 第N期 numbering)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


@dataclass(frozen=True)
class ProductTemplate:
    type: ProductType
    name: str  # series names take {n} (issue number) and {y} (issue year)
    audience: str  # "P" persons, "C" companies, "B" both
    risk: int  # 1..5 for R1..R5
    issuer_kind: InstitutionType | None = None  # 代销 products name an institution as issuer
    tenor_days: int | None = None  # set: a series of numbered issues with this tenor
    closed: bool = False
    currency: str = "CNY"


def _p(
    ptype: ProductType,
    name: str,
    audience: str,
    risk: int,
    issuer_kind: InstitutionType | None = None,
    tenor_days: int | None = None,
    closed: bool = False,
    currency: str = "CNY",
) -> ProductTemplate:
    return ProductTemplate(ptype, name, audience, risk, issuer_kind, tenor_days, closed, currency)


_FUND, _INS = InstitutionType.FUND, InstitutionType.INSURANCE
PRODUCT_CATALOG: tuple[ProductTemplate, ...] = (
    _p(_T.DEPOSIT, "活期储蓄", "P", 1),
    _p(_T.DEPOSIT, "一年期整存整取定期存款", "P", 1),
    _p(_T.DEPOSIT, "三年期整存整取定期存款", "P", 1),
    _p(_T.DEPOSIT, "七天通知存款", "B", 1),
    _p(_T.DEPOSIT, "单位协定存款", "C", 1),
    _p(_T.DEPOSIT, "单位定期存款", "C", 1),
    _p(_T.DEPOSIT, "同业存款", "C", 1),
    _p(_T.DEPOSIT, "e存宝", "P", 1, closed=True),
    _p(_T.DEPOSIT, "大额存单{y}年第{n}期", "B", 1, tenor_days=1095),
    _p(_T.LOAN, "个人住房贷款", "P", 2),
    _p(_T.LOAN, "融e借个人消费贷款", "P", 2),
    _p(_T.LOAN, "个人经营贷款", "P", 3),
    _p(_T.LOAN, "流动资金贷款", "C", 2),
    _p(_T.LOAN, "固定资产贷款", "C", 3),
    _p(_T.LOAN, "项目融资贷款", "C", 3),
    _p(_T.LOAN, "普惠小微信用贷款", "C", 3),
    _p(_T.LOAN, "供应链应收账款融资", "C", 2),
    _p(_T.LOAN, "银团贷款", "C", 3),
    _p(_T.SETTLEMENT_ACCOUNT, "个人一类结算账户借记卡", "P", 1),
    _p(_T.SETTLEMENT_ACCOUNT, "单位基本存款账户", "C", 1),
    _p(_T.SETTLEMENT_ACCOUNT, "单位一般存款账户", "C", 1),
    _p(_T.SETTLEMENT_ACCOUNT, "跨境人民币结算账户", "C", 1),
    _p(_T.PAYROLL_SERVICE, "代发工资服务", "C", 1),
    _p(_T.PAYROLL_SERVICE, "薪福通批量代发", "C", 1),
    _p(_T.PAYROLL_SERVICE, "社保及公积金代缴", "C", 1),
    _p(_T.WEALTH_MANAGEMENT, "天天利现金管理类理财", "B", 1),
    _p(_T.WEALTH_MANAGEMENT, "代销公募基金·货币市场基金", "P", 1, _FUND),
    _p(_T.WEALTH_MANAGEMENT, "代销公募基金·债券型基金", "P", 2, _FUND),
    _p(_T.WEALTH_MANAGEMENT, "代销公募基金·混合型基金", "P", 4, _FUND),
    _p(_T.WEALTH_MANAGEMENT, "代销公募基金·股票型基金", "P", 5, _FUND),
    _p(_T.WEALTH_MANAGEMENT, "对公结构性存款", "C", 2),
    _p(_T.WEALTH_MANAGEMENT, "稳享180天固收理财第{n}期", "B", 2, tenor_days=180),
    _p(_T.WEALTH_MANAGEMENT, "稳享365天固收理财第{n}期", "B", 2, tenor_days=365),
    _p(_T.WEALTH_MANAGEMENT, "增益固收+理财第{n}期", "P", 3, tenor_days=365),
    _p(_T.WEALTH_MANAGEMENT, "睿进混合类理财第{n}期", "P", 4, tenor_days=730),
    _p(_T.WEALTH_MANAGEMENT, "卓越权益类理财第{n}期", "P", 5, tenor_days=1095),
    _p(_T.INSURANCE, "代销终身寿险", "P", 1, _INS),
    _p(_T.INSURANCE, "代销重大疾病保险", "P", 1, _INS),
    _p(_T.INSURANCE, "代销年金保险", "P", 2, _INS),
    _p(_T.INSURANCE, "代销投资连结保险", "P", 4, _INS),
    _p(_T.INSURANCE, "团体意外伤害保险", "C", 1, _INS),
    _p(_T.INSURANCE, "企业财产保险", "C", 1, _INS),
    _p(_T.CUSTODY, "证券资金第三方存管", "P", 1),
    _p(_T.CUSTODY, "资产托管服务", "C", 2),
    _p(_T.CUSTODY, "保险资金托管", "C", 1),
    _p(_T.CUSTODY, "养老金托管", "C", 1),
    _p(_T.LEASING, "设备融资租赁", "C", 3),
    _p(_T.LEASING, "售后回租", "C", 3),
    _p(_T.LEASING, "汽车融资租赁", "B", 3),
    _p(_T.PENSION, "个人养老金资金账户", "P", 1),
    _p(_T.PENSION, "养老理财第{n}期", "P", 2, tenor_days=1825),
    _p(_T.PENSION, "企业年金计划", "C", 2),
    _p(_T.PENSION, "职业年金受托管理", "C", 2),
    _p(_T.FX, "个人结售汇", "P", 1),
    _p(_T.FX, "外币定期存款", "B", 1, currency="USD"),
    _p(_T.FX, "跨境汇款", "B", 1),
    _p(_T.FX, "外汇远期结售汇", "C", 3),
    _p(_T.FX, "外汇掉期", "C", 4),
    _p(_T.FX, "外汇期权", "C", 5),
    _p(_T.FX, "外汇宝", "P", 3, closed=True, currency="USD"),
)

# 债务融资工具 kinds: (name, tenor in days, weight).
DEBT_KINDS: tuple[tuple[str, int, float], ...] = (
    ("超短期融资券", 270, 0.25),
    ("短期融资券", 365, 0.15),
    ("中期票据", 1095, 0.20),
    ("中期票据", 1825, 0.10),
    ("定向债务融资工具", 730, 0.15),
    ("资产支持票据", 1095, 0.08),
    ("绿色中期票据", 1095, 0.07),
)
# Product types a fee (服务费) is billed for, monthly, with the fee as a fraction of the holding.
FEE_RATES: dict[ProductType, float] = {
    _T.SETTLEMENT_ACCOUNT: 0.0004,
    _T.PAYROLL_SERVICE: 0.003,
    _T.CUSTODY: 0.00008,
    _T.LEASING: 0.0006,
}
