"""The zhongzhi-2024 edition holds the national annex rows and the body indicators exactly."""

import re
from pathlib import Path

import pytest

from vqr_author.compute import build_report, school_source
from vqr_author.edition import Kind, load_edition
from vqr_author.errors import EditionError
from vqr_author.workbook.model import ReportWorkbook

# Row labels of 附表 1–6 exactly as the national format prints them (seed 001).
ANNEX_LABELS = {
    1: ["毕业生人数", "毕业去向落实人数", "其中：升学人数", "升入本科人数", "毕业生本省去向落实率", "月收入",
        "毕业生面向三次产业就业人数", "其中：面向第一产业就业人数", "面向第二产业就业人数", "面向第三产业就业人数",
        "自主创业率", "毕业三年晋升比例"],
    2: ["在校生满意度", "其中：课堂育人满意度", "课外育人满意度", "思想政治课教学满意度",
        "公共基础课（不含思想政治课）教学满意度", "专业课教学满意度", "毕业生满意度", "其中：应届毕业生满意度",
        "毕业三年内毕业生满意度", "教职工满意度", "用人单位满意度", "家长满意度"],
    3: ["生师比", "“双师型”教师比例", "其中：高级“双师型”教师比例", "高级专业技术职务专任教师比例", "专业群数量",
        "专业数量", "教学计划内课程总数", "教学计划内课程总数", "其中：课证融通课程数", "其中：课证融通课程数",
        "网络教学课程数", "网络教学课程数", "校企合作课程数", "校企合作课程数", "专业教学资源库数", "其中：国家级数量",
        "接入国家智慧教育平台数", "省级数量", "接入国家智慧教育平台数", "校级数量", "接入国家智慧教育平台数",
        "在线精品课程数", "在线精品课程数", "在线精品课程课均学生数", "其中：国家级数量", "接入国家智慧教育平台数",
        "省级数量", "接入国家智慧教育平台数", "校级数量", "接入国家智慧教育平台数", "虚拟仿真实训基地数",
        "其中：国家级数量", "接入国家智慧教育平台数", "省级数量", "接入国家智慧教育平台数", "校级数量",
        "接入国家智慧教育平台数", "编写教材数", "其中：国家规划教材数", "校企合作编写教材数", "新形态教材数",
        "接入国家智慧教育平台数", "互联网出口带宽", "校园网主干最大带宽", "生均校内实践教学工位数", "生均教学科研仪器设备值"],
    4: ["毕业生初次就业人数", "其中：A 类：留在当地就业人数", "B 类：到西部和东北地区就业人数", "C 类：到中小微企业就业人数",
        "D 类：到大型企业就业人数", "横向技术服务到款额", "横向技术服务产生的经济效益", "纵向科研经费到款额",
        "技术产权交易收入", "知识产权项目数量", "其中：专利授权数量", "发明专利授权数量", "专利转让数量",
        "专利成果转化到款额", "非学历培训项目数", "非学历培训学时", "公益项目培训学时", "非学历培训到账经费"],
    5: ["开发并被国外采用的职业教育标准、资源、装备数量", "其中：标准数量", "专业标准数量", "课程标准数量", "资源数量",
        "装备数量", "接收国外留学生专业数", "接收国外留学生人数", "接收国外访学教师人数", "中外合作办学专业数",
        "其中：在校生数", "专任教师赴国外指导和开展培训时间", "在国外组织担任职务的专任教师人数", "国际技能大赛获奖数量"],
    6: ["全日制在校生人数", "年生均财政拨款水平", "年财政专项经费", "教职员工额定编制数", "教职工总数", "其中：专任教师总数",
        "思政课教师数", "体育课专任教师数", "美育课专任教师数", "班主任人数", "参加国家学生体质健康标准测试人数",
        "其中：学生体质测评合格率", "职业技能等级证书（含职业资格证书）获取人数", "企业提供的校内实践教学设备值",
        "与企业共建开放型区域产教融合实践中心数量", "聘请行业导师人数", "其中：聘请大国工匠、劳动模范人数",
        "行业导师年课时总量", "年支付行业导师课酬", "年实习专项经费", "其中：年实习责任保险经费"],
}
ANNEX_TITLES = {1: "人才培养质量计分卡", 2: "满意度调查表", 3: "教学资源表", 4: "服务贡献表", 5: "国际影响表", 6: "落实政策表"}


def _empty_book(edition) -> ReportWorkbook:
    return ReportWorkbook(Path("x.xlsx"), edition.id, "学校", {}, {}, {})


@pytest.mark.parametrize("number", range(1, 7))
def test_annex_tables_have_the_national_rows_in_order(edition, number):
    report = build_report(edition, school_source(edition, _empty_book(edition)))
    table = next(t for t in report.tables if t.annex and str(t.number) == str(number))
    assert table.title == ANNEX_TITLES[number]
    label_column = [h.text for h in table.header[0]].index("指标")
    assert [row[label_column].text for row in table.rows] == ANNEX_LABELS[number]


def test_annex_2_has_survey_columns(edition):
    report = build_report(edition, school_source(edition, _empty_book(edition)))
    table = next(t for t in report.tables if t.annex and str(t.number) == "2")
    assert [h.text for h in table.header[0]][-2:] == ["调查方式", "调查人次"]


BODY = {
    "招生人数": ("人", Kind.COUNT), "全日制职高招生人数": ("人", Kind.COUNT), "全日制成人中专招生人数": ("人", Kind.COUNT),
    "贯通培养招生人数": ("人", Kind.COUNT), "合作办学招生人数": ("人", Kind.COUNT), "在校生人数": ("人", Kind.COUNT),
    "教学班数": ("个", Kind.COUNT), "培训人数": ("人次", Kind.COUNT), "“双师型”教师数": ("人", Kind.COUNT),
    "高级“双师型”教师数": ("人", Kind.COUNT), "高级专业技术职务专任教师数": ("人", Kind.COUNT),
    "中级专业技术职务专任教师数": ("人", Kind.COUNT), "初级及未定级专任教师数": ("人", Kind.COUNT),
    "研究生学历专任教师数": ("人", Kind.COUNT), "本科及以上学历专任教师数": ("人", Kind.COUNT),
    "兼职教师数": ("人", Kind.COUNT), "兼职教师专业课时占比": ("%", Kind.SHARE), "占地面积": ("平方米", Kind.AMOUNT),
    "建筑面积": ("平方米", Kind.AMOUNT), "资产总值": ("万元", Kind.AMOUNT), "教学仪器设备总值": ("万元", Kind.AMOUNT),
    "纸质图书总数": ("册", Kind.COUNT), "校内实践教学工位数": ("个", Kind.COUNT),
}


def test_body_indicators_have_exact_names_units_and_kinds(edition):
    by_name = {i.name: i for i in edition.input_indicators}
    for name, (unit, kind) in BODY.items():
        assert (by_name[name].unit, by_name[name].kind) == (unit, kind), name


def test_enrolment_parts_and_teacher_partition(edition):
    full_time, adult = edition.indicator("GM02"), edition.indicator("GM03")
    assert full_time.parent == adult.parent == "GM01" and full_time.parts == adult.parts == "exhaustive"
    assert edition.indicator("GM04").parent == "GM02"
    ranks = [i for i in edition.indicators if i.parent == "F6-06" and i.parts == "exhaustive"]
    assert [i.name for i in ranks] == ["高级专业技术职务专任教师数", "中级专业技术职务专任教师数", "初级及未定级专任教师数"]


DERIVED = {
    "生师比": (("F6-01",), "F6-06", 1),
    "“双师型”教师比例": (("SZ01",), "F6-06", 100),
    "高级“双师型”教师比例": (("SZ02",), "F6-06", 100),
    "高级专业技术职务专任教师比例": (("SZ03",), "F6-06", 100),
    "生均教学科研仪器设备值": (("TJ04",), "F6-01", 10000),
    "生均校内实践教学工位数": (("TJ06",), "F6-01", 1),
    "生均纸质图书": (("TJ05",), "F6-01", 1),
    "平均班额": (("GM06",), "GM07", 1),
}


def test_derived_indicators_are_never_typed_and_use_the_right_formula(edition):
    by_name = {i.name: i for i in edition.derived_indicators}
    for name, (numerator, denominator, scale) in DERIVED.items():
        f = by_name[name].formula
        assert (f.numerator, f.denominator, f.scale) == (numerator, denominator, scale), name
    typed = {i.name for i in edition.input_indicators}
    assert not typed & set(DERIVED)


def test_outline_is_the_2024_outline(edition):
    codes = [s.label for s in edition.outline if not s.front]
    assert codes[:11] == ["1 人才培养", "1.1 立德树人", "1.2 专业建设", "1.3 课程建设", "1.4 教学改革", "1.5 贯通培养",
                          "1.6 科教融汇", "1.7 创新创业", "1.8 技能大赛", "1.9 培养质量", "2 服务贡献"]
    assert codes[-3:] == ["5.6 经费投入", "6 面临挑战", "附表"]


def test_unknown_edition_names_the_available_ones():
    with pytest.raises(EditionError, match="zhongzhi-2024"):
        load_edition("no-such-edition")


def test_broken_edition_file_fails_with_the_bad_reference(tmp_path):
    from vqr_author.edition.loader import DATA_DIR

    text = (DATA_DIR / "zhongzhi-2024.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("denominator: F6-06, scale: 100}}", "denominator: F9-99, scale: 100}}", 1), encoding="utf-8")
    with pytest.raises(EditionError, match="F9-99"):
        load_edition(broken)


def test_new_edition_is_a_new_file_not_new_code(tmp_path):
    from vqr_author.edition.loader import DATA_DIR

    text = (DATA_DIR / "zhongzhi-2024.yaml").read_text(encoding="utf-8")
    variant = tmp_path / "zhongzhi-2099.yaml"
    variant.write_text(text.replace("id: zhongzhi-2024", "id: zhongzhi-2099").replace("title: 人才培养}", "title: 育人成效}"),
                       encoding="utf-8")
    edition = load_edition(variant)
    assert edition.id == "zhongzhi-2099"
    assert edition.section("1").title == "育人成效"


def test_a_malformed_layout_is_named_in_chinese(tmp_path):
    """Each table kind is its own class: a missing or unknown key is named with the table and kind,
    in Chinese (no pydantic English reaches the user)."""
    from vqr_author.edition.loader import DATA_DIR

    text = (DATA_DIR / "zhongzhi-2024.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("    kind: annex\n    number: 1\n", "    kind: annex\n", 1)
                      .replace("    kind: groups\n    by: 办学性质\n", "    kind: groups\n    by: 办学性质\n    top: 3\n", 1)
                      .replace("  - id: schools_chart\n    kind: schools\n", "  - id: schools_chart\n    kind: pie\n", 1),
                      encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        load_edition(broken)
    message = str(caught.value)
    assert "annex.number：缺少这一项" in message
    assert "groups.top：不认识的键" in message
    assert "kind 只能是 indicators、schools、record、shares" in message
    assert not re.search(r"[A-Z][a-z]+ [a-z]+", message.split("有误：")[1]), message  # no English sentence


def test_every_reference_of_a_layout_is_checked(tmp_path):
    from vqr_author.edition.loader import DATA_DIR

    text = (DATA_DIR / "zhongzhi-2024.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("    cover_columns: [办学性质]", "    cover_columns: [学校类型]", 1)
                      .replace("    field: students\n    by: category", "    field: pupils\n    by: category", 1)
                      .replace("fields: [employment_rate, matched_rate]", "fields: [employment_rate, wage]", 1),
                      encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        load_edition(broken)
    message = str(caught.value)
    assert "表 schools 引用了不存在的封面字段 学校类型" in message
    assert "表 major_categories 引用了清单 majors 中不存在的列 pupils" in message
    assert "图 majors_employment_chart 引用了清单 majors 中不存在的列 wage" in message


def test_numbering_marker_and_heading_levels_are_checked(tmp_path):
    """A case marker with an unknown placeholder, a heading format that does not parse, an outline
    deeper than the template's three heading levels and an unknown numbering style are refused when
    the edition loads, each named."""
    from vqr_author.edition.loader import DATA_DIR

    text = (DATA_DIR / "zhongzhi-2024.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("case_marker: 【案例分享】", "case_marker: 案例 {no}")
                      .replace('  "2": "{code} {title}"', '  "2": "{code} {title"')
                      .replace('  - {code: "1.1", title: 立德树人}', '  - {code: "1.1.1.1", title: 立德树人}'),
                      encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        load_edition(broken)
    message = str(caught.value)
    assert "case_marker “案例 {no}” 只能含占位符 {number}" in message
    assert "heading_formats 第 2 级" in message
    assert "章节 1.1.1.1 是第 4 级标题，模板只有 3 级标题" in message
    broken.write_text(text.replace("case_marker: 【案例分享】", "case_marker: 【案例分享】\nnumbering: section"),
                      encoding="utf-8")
    with pytest.raises(EditionError) as caught:
        load_edition(broken)
    assert "numbering" in str(caught.value)


def test_the_2024_edition_keeps_its_continuous_numbering():
    from vqr_author.compute.numbering import Number, Numberer, chapter_of

    edition = load_edition()
    assert edition.numbering == "continuous" and edition.case_marker == "【案例分享】"
    numbers = Numberer(edition.numbering)
    assert [str(numbers.next(edition.section(code))) for code in ("1.2", "1.9", "5.5")] == ["1", "2", "3"]
    per_chapter = Numberer("chapter")
    assert [str(per_chapter.next(edition.section(code))) for code in ("前言", "1.2", "1.9", "5.5", "5.6")] == [
        "1", "1-1", "1-2", "5-1", "5-2"]
    assert chapter_of(edition.section("附表")) is None
    assert Number(2, 3, continuous=False).key == "3_2"


def _strings(data: object) -> set[str]:
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        return set().union(*map(_strings, data.values())) if data else set()
    if isinstance(data, list | tuple):
        return set().union(*map(_strings, data)) if data else set()
    return set()


@pytest.mark.parametrize("edition_id", ["zhongzhi-2024", "zhongzhi-2020", "gaozhi-2020"])
def test_every_indicator_a_school_types_reaches_a_report(edition_id):
    """What a school types either appears in a report or is named by check: an indicator that no
    table, chart, series, sentence or calculation uses would be asked for and then dropped."""
    edition = load_edition(edition_id)
    layouts = [layout.model_dump() for layout in (*edition.tables, *edition.charts, *edition.series)]
    used = _strings(layouts)
    used |= set(re.findall(r"""\(\s*['"]([^'"]+)['"]""", " ".join(_strings(edition.sentences))))
    for ind in edition.indicators:
        used |= set(ind.formula.inputs) if ind.formula else set()
        used |= {ind.pooled_by} if ind.pooled_by else set()
    unused = [f"{i.code} {i.name}" for i in edition.input_indicators if i.code not in used]
    assert unused == []
