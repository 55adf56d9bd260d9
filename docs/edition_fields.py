"""The field reference of the edition file format (docs/edition-fields.md), generated from the
pydantic model in vqr_author/edition/model.py: every key the model accepts is listed, with its type
and default, and described here. A key of the model without a description here, or a description
of a key the model does not have, stops the generator (and test_docs)."""

from __future__ import annotations

import types
import typing
from enum import Enum

from pydantic import BaseModel

from vqr_author.edition import model as m

# Where each model appears in an edition file.
PLACES: dict[type[BaseModel], str] = {
    m.Edition: "顶层",
    m.Thresholds: "`thresholds`",
    m.CoverField: "`cover_fields` 的每一项",
    m.Indicator: "`indicators` 的每一项",
    m.Formula: "`formula`（指标与清单派生列）",
    m.RecordSheet: "`record_sheets` 的每一项",
    m.RecordField: "`record_sheets[].fields` 的每一项",
    m.DerivedField: "`record_sheets[].derived` 的每一项",
    m.TotalRule: "`record_sheets[].totals` 的每一项（列 → 规则）",
    m.CrossCheck: "`record_sheets[].checks` 的每一项",
    m.Section: "`outline` 的每一项",
    m.ComparisonTable: "`tables` 中 `kind: comparison` 的表（指标|单位|上年|本年|增长量|增长率）",
    m.AnnexTable: "`tables` 中 `kind: annex` 的表（附表 N：指标|单位|上年|本年）",
    m.SurveyTable: "`tables` 中 `kind: survey` 的表（附表 N + 调查方式|调查人次）",
    m.PlainTable: "`tables` 中 `kind: plain` 的表（序号|指标|单位|上年|本年，不计算增长）",
    m.RecordTable: "`tables` 中 `kind: record` 的表（清单的行）",
    m.SchoolsTable: "`tables` 中 `kind: schools` 的表（汇总报告：每校一行）",
    m.GroupsTable: "`tables` 中 `kind: groups` 的表（汇总报告：每组学校一行）",
    m.SharesTable: "`tables` 中 `kind: shares` 的表（按类别或专业的占比）",
    m.TableRow: "指标表 `rows` 的每一项",
    m.RecordRows: "`kind: comparison` 表 `rows` 中取自清单的行（有 `sheet` 的一项：清单每行一行）",
    m.IndicatorHeaders: "指标表的 `headers`（表头文字）",
    m.IndicatorsSeriesHeaders: "`kind: indicators` 序列的 `headers`",
    m.SchoolsSeriesHeaders: "`kind: schools` 序列的 `headers`",
    m.RecordColumn: "`kind: record` 表 `columns` 的每一项",
    m.IndicatorsChart: "`charts` 中 `kind: indicators` 的图",
    m.SchoolsChart: "`charts` 中 `kind: schools` 的图",
    m.RecordChart: "`charts` 中 `kind: record` 的图",
    m.SharesChart: "`charts` 中 `kind: shares` 的图",
    m.Catalogue: "`catalogue`",
    m.IndicatorsSeries: "`series` 中 `kind: indicators` 的序列（每个指标一行、每年一列）",
    m.SchoolsSeries: "`series` 中 `kind: schools` 的序列（每年的学校数及新增、减少的学校）",
    m.SeriesChart: "`series[].chart`",
    m.OfficeList: "`lists` 的每一项（区县、市填报表中机关自己的清单）",
    m.TextColumn: "`lists[].columns` 中 `kind: text` 的列（文字，可有下拉选项）",
    m.SchoolColumn: "`lists[].columns` 中 `kind: school` 的列（学校名称）",
    m.CountColumn: "`lists[].columns` 中 `kind: count` 的列（非负整数）",
}

_LEVELS = "报告层级（学校、区县、市）"
_ROWS = "表格的行，按显示顺序（见“指标表的行”）"
_TITLE = "标题；`{上年}`、`{本年}` 替换为年份"
_NOTE = "表下的注"
_TOTAL = "合计行的文字；不给则没有合计行"

NOTES: dict[str, str] = {
    "Edition.series": "历年序列：区县、市报告加 `--history` 时显示的历年表和图（见 editions.md“历年序列”）；不加 `--history` 时不显示",
    "IndicatorsSeries.id": "序列代码，在版式内唯一",
    "IndicatorsSeries.section": "放在哪一节末尾（`outline` 中的 `code`）",
    "IndicatorsSeries.title": "表题；`{首年}`、`{本年}` 替换为所示的第一年和最后一年",
    "IndicatorsSeries.levels": _LEVELS + "；只用于区县、市",
    "SchoolsSeries.id": "序列代码，在版式内唯一",
    "SchoolsSeries.section": "放在哪一节末尾（`outline` 中的 `code`）",
    "SchoolsSeries.title": "表题；`{首年}`、`{本年}` 替换为所示的第一年和最后一年",
    "SchoolsSeries.levels": _LEVELS + "；只用于区县、市",
    "IndicatorsSeries.kind": "`indicators`",
    "IndicatorsSeries.indicators": "序列的指标（指标代码），按显示顺序",
    "IndicatorsSeries.chart": "同时画的图（可选），其指标须同一单位",
    "SchoolsSeries.kind": "`schools`",
    "IndicatorsSeries.headers": "表头与首行的文字（必填，见下）",
    "SchoolsSeries.headers": "表头文字（必填，见下）",
    "IndicatorsSeriesHeaders.indicator": "第一列表头，如“指标”",
    "IndicatorsSeriesHeaders.unit": "第二列表头，如“单位”",
    "IndicatorsSeriesHeaders.schools": "首行（各年汇总的学校数）的名称，如“汇总学校数”",
    "IndicatorsSeriesHeaders.schools_unit": "首行的单位，如“所”",
    "SchoolsSeriesHeaders.year": "年份列表头，如“年度”",
    "SchoolsSeriesHeaders.count": "学校数列表头，如“学校数（所）”",
    "SchoolsSeriesHeaders.change": "与上一年相比增减列的表头，如“较上一年度增减（所）”",
    "SchoolsSeriesHeaders.new": "新增学校列的表头，如“新增的学校”",
    "SchoolsSeriesHeaders.gone": "减少学校列的表头，如“减少的学校”；表注以它解释",
    "SeriesChart.title": "图题；`{首年}`、`{本年}` 同上",
    "SeriesChart.indicators": "图中的指标（指标代码），每个指标一组柱",
    "Edition.lists": "区县、市机关自己的清单（名单、一览表）：`vqr init --level district|city` 为每个清单写一个工作表，"
                     "有内容的清单在其章节中显示为带“序号”的表，按版式的表格编号；空清单不出表（见 workbook.md“区县、市的清单”）",
    "OfficeList.id": "清单代码，在版式内唯一",
    "OfficeList.sheet": "填报表中的工作表名（不能与其他工作表同名）",
    "OfficeList.title": _TITLE,
    "OfficeList.section": "表放在哪一节（`outline` 中的 `code`），在该节的其他表之后",
    "OfficeList.levels": _LEVELS + "；只用于区县、市，默认两者",
    "OfficeList.hint": "填报表中的说明（写在第一列列名的批注中）",
    "OfficeList.columns": "列，按顺序；`kind` 决定列的种类（序号列由工具生成，不列出）",
    "TextColumn.kind": "`text`：文字",
    "TextColumn.header": "列名（填报表与报告表头相同）",
    "TextColumn.hint": "填写说明",
    "TextColumn.required": "必填：有内容的行缺少此列时报错",
    "TextColumn.choices": "可选值（下拉列表）；不在其中则报错",
    "SchoolColumn.kind": "`school`：学校名称；不是本报告汇总的学校时警告，是同一学校的不同写法时给出汇总学校中的名称",
    "SchoolColumn.header": "列名",
    "SchoolColumn.hint": "填写说明",
    "SchoolColumn.required": "必填",
    "CountColumn.kind": "`count`：非负整数（如招生计划）",
    "CountColumn.header": "列名",
    "CountColumn.hint": "填写说明",
    "CountColumn.required": "必填",
    "CountColumn.unit": "单位，写在报告表头的括号中",
    "Edition.id": "版式代码，如 `zhongzhi-2024`；填报表封面的“报告版式”记录它",
    "Edition.hint_year": "空白填报表封面填写说明中的示例年度：说明里的 `{本年}` 取它，`{次年}` 取其后一年；说明用到它们时必须给出",
    "Edition.name": "版式的中文名称",
    "Edition.school_type": "学校类型：中职 或 高职（`vqr editions` 列出）",
    "Edition.levels": "支持的报告层级（学校、区县、市的子集）；`vqr init --level` 只接受这些层级",
    "Edition.report_titles": "层级 → 报告标题模板，大括号内为封面项目，如 `\"{单位名称}中等职业教育质量年度报告（{报告年度}年度）\"`",
    "Edition.declarations": "层级 → 内容真实性责任声明的正文模板；role 为 title 的封面项目（如 `{报告名称}`）填入报告标题",
    "Edition.publication_note": "“年报公开形式及网址”页的引导语",
    "Edition.annex_caption": "附表题注中编号前的字，如“附表”（附表 1）；种子 000 文末的计分卡写作“表 1”（`annex_caption: 表`），"
                             "与正文的表分开编号（Word 的 SEQ 域也分开计数）",
    "Edition.case_marker": "写在每个案例标题前的标记，如 `【案例分享】`；`{number}` 为案例编号（`\"案例 {number} \"` → 案例 3-5）",
    "Edition.numbering": "表、图、案例的编号方式：continuous 全文连续（表 3、图 2，题注中为 Word 的 SEQ 域，按 F9 更新后编号不变）；"
                         "chapter 按章编号（表 2-2、图 3-1、案例 3-5：章号-章内序号，写为文字，F9 不会改变）；前言与附表中的表图在章外另行连续编号",
    "Edition.thresholds": "数据句子与警告的阈值",
    "Edition.cover_fields": "封面项目",
    "Edition.indicators": "指标目录",
    "Edition.record_sheets": "每行一项的清单工作表（如专业、资助）",
    "Edition.outline": "章节大纲，按顺序",
    "Edition.preface_tables": "放在前言中的表格（表 id）",
    "Edition.heading_formats": "标题级别（\"1\"、\"2\"、\"3\"，最多三级）→ 标题写法：`{code}` 章节代码（1.2）、`{n}` 末位数字（2）、`{cn}` 末位的中文数字（二）、"
                               "`{title}` 标题；如 `\"{code}. {title}\"`，或 `\"{cn}、{title}\"`、`\"（{cn}）{title}\"` 与 `\"{n}. {title}\"`",
    "Edition.tables": "表格布局；`kind` 决定表的种类和可用的键（见下）",
    "Edition.charts": "图的布局；`kind` 决定图的种类和可用的键（见下）",
    "Edition.catalogue": "专业目录：`kind: shares` 的表和图按它把专业代码归入类别（专业大类）",
    "Edition.sentences": "数据句子：层级 → 章节代码 → 句子模板（见“数据句子”）",
    "Thresholds.flat_percent": "计数、金额、生均值的增长率绝对值低于此值（%）写“基本持平”",
    "Thresholds.flat_points": "比率、占比的变化低于此值（百分点）写“基本持平”",
    "Thresholds.yoy_warning_percent": "与上年相比变化超过 ±此值（%）给出警告",
    "Thresholds.yoy_warning_min_count": "计数的变化警告只在两年中有一年达到此值时给出",
    "Thresholds.list_min_items": "表、图、案例达到此数量时报告有表目录、图目录、案例目录",
    "Thresholds.wan_from": "句子中计数从此值起写作“万”",
    "Thresholds.yuan_wan_from": "句子中以元计的金额从此值起写作“万元”（保留两位小数）",
    "CoverField.key": "封面项目名称（填报表封面“项目”列），也是标题、声明模板中的 `{名称}`",
    "CoverField.levels": f"该项目所属的{_LEVELS}；默认全部",
    "CoverField.required": "必填",
    "CoverField.hint": "填报表中的填写说明；其中的 `{本年}` 是填报表的报告年度、`{次年}` 是其后一年（空白填报表按版式的 hint_year，"
                        "`vqr init --from` 生成的新一年填报表按新的年度），如“例如：{次年} 年 1 月”",
    "CoverField.choices": "可选值（下拉列表）；不在其中则报错",
    "CoverField.pattern": "正则表达式格式要求，如 `'^\\d{10}$'`",
    "CoverField.kind": "text 文字；year 四位年份；date 日期（日期单元格写作“2025年1月”，日期序号数字报错）",
    "CoverField.role": "该项目对工具的作用：name 单位名称（学校全称，或区县、市名称）、code 学校代码（跨填报表识别学校）、"
                       "district 学校所属区县（汇总区县报告时与区县填报表的名称核对，不一致则警告）、"
                       "year 报告年度、publisher 发布单位、date 发布日期、url 公开网址、publication_form 公开形式、"
                       "title 自定义报告名称；每个层级每种作用至多一项，name 和 year 必须有",
    "CoverField.carry": "`vqr init --from` 如何带入：keep 照抄；next_year 去年 + 1；renew_year 照抄并把其中的去年年份改为新年度；不给则不带入",
    "CoverField.summary": "true：该项目（如联系人、联系电话）不印在报告上，而列入 vqr batch 的汇总.xlsx，与学校并列，供区县或市联系学校",
    "Indicator.code": "稳定代码，填报表按它读取",
    "Indicator.group": "填报表“所属表”列",
    "Indicator.name": "报告中的准确名称",
    "Indicator.unit": "单位",
    "Indicator.kind": "count 计数 · amount 金额/数量 · rate 比率 · share 占比 · ratio 比（n:1）· per_student 生均/平均 · text 文字",
    "Indicator.parent": "`其中`关系的上级指标（与 parts 同时给出）",
    "Indicator.parts": "exhaustive 各组成部分之和等于总数；disjoint 同级其中项之和不超过总数；subset 单项不超过总数；detail 仅为说明",
    "Indicator.formula": "派生指标的公式；派生指标不进入填报表",
    "Indicator.range": "通常范围 [下限, 上限]，超出时警告",
    "Indicator.decimals_override": "小数位（覆盖按 kind 的默认值）",
    "Indicator.required": "本年必填",
    "Indicator.hint": "填报表中的填写说明",
    "Indicator.pooled_by": "学校直接填写的比率或平均数在汇总时按这个指标（基数）加权合并",
    "Indicator.ratio_display": "比（kind: ratio）的写法：n:1 写作“14.7:1”；plain 写作“14.7”",
    "Indicator.choices": "文字指标的可选值（单选）：填报表中为下拉列表，其他值报错；汇总报告写各选项的学校数（如“省级 2所、其他 1所”）",
    "Indicator.previous_codes": "该指标在旧版式中的代码（`vqr init --from` 按它对应）",
    "Formula.numerator": "分子：这些填报指标（或清单列）之和",
    "Formula.denominator": "分母：一项，或几项之和（列表）",
    "Formula.weights": "输入 → 系数（默认 1），如生师比的分母 `专任教师数 + 0.5 × 聘请校外教师数` 写作 `weights: {JX13: 0.5}`",
    "Formula.scale": "乘数，如 100（百分数）、10000（万元→元）",
    "RecordSheet.id": "清单代码（表、图以它引用）",
    "RecordSheet.sheet": "填报表中的工作表名",
    "RecordSheet.group_by": "识别一行的列（如专业代码）：汇总时各校同值的行合并，占比表按它归类",
    "RecordSheet.label_field": "命名一行的列（如专业名称），用于图的类别和占比表；默认同 group_by",
    "RecordSheet.hint": "填报表中的说明",
    "RecordSheet.fields": "填报的列，按顺序",
    "RecordSheet.derived": "每行计算的派生列（合计行由加总后的分子分母重新计算）",
    "RecordSheet.totals": "不是简单加总的列的合计规则",
    "RecordSheet.checks": "清单合计（或行数）与指标本年值的核对",
    "RecordField.key": "列代码",
    "RecordField.header": "填报表中的列名",
    "RecordField.kind": "同指标的 kind",
    "RecordField.unit": "单位",
    "RecordField.required": "必填",
    "RecordField.hint": "填写说明",
    "RecordField.pattern": "正则表达式格式要求",
    "RecordField.parent": "`其中`关系的上级列（与 parts 同时给出）",
    "RecordField.parts": "同指标的 parts",
    "RecordField.range": "通常范围，超出时警告",
    "RecordField.decimals_override": "小数位",
    "RecordField.summable": "false：每行填写的平均数（如起薪），没有简单合计",
    "RecordField.carry": "`vqr init --from` 把去年该列的值照抄到今年的行（如专业代码、名称）",
    "RecordField.carry_from": "`vqr init --from` 以去年这一列（通常是派生列）的计算值填入本列（如上年就业率 ← 就业率）",
    "DerivedField.key": "列代码",
    "DerivedField.name": "列名（图例、表头）",
    "DerivedField.kind": "同指标的 kind",
    "DerivedField.unit": "单位",
    "DerivedField.formula": "公式，引用本清单的列",
    "TotalRule.weighted_by": "合计为按此列加权的平均数",
    "CrossCheck.indicator": "核对的指标代码",
    "CrossCheck.rule": "equal：必须相等",
    "CrossCheck.level": "不符时为 error 或 warning",
    "CrossCheck.field": "加总的列（与 count_rows 二选一）",
    "CrossCheck.count_rows": "true：核对行数",
    "Section.code": "章节代码，如 `1`、`1.2`、`1.2.1`（点数决定标题级别，最多三级）；前言、附表可用中文",
    "Section.title": "章节标题",
    "Section.front": "true：前言",
    "Section.tables": "放在该节末尾的表（表 id）",
    "Section.charts": "放在该节的图（图 id）",
    "Section.narrative": "false：该节没有正文（填报表“正文”的章节下拉列表中不出现）",
    "Section.new_page": "true：另起一页",
    "Section.heading": "false：该节没有标题、不进目录，其表和图紧接上一节（如种子 000 文末不带“附表”标题的计分卡）；须同时写 `narrative: false`",
    "TableRow.code": "指标代码；不给时为只有文字（label）的行，如“毕业生就业去向：”",
    "TableRow.indent": "`其中`层级；第一层第一行自动加“其中：”",
    "TableRow.group": "左侧合并的类别列",
    "TableRow.label": "替代指标名称的行名",
    "TableRow.method": "survey 表：调查方式（文字指标）",
    "TableRow.respondents": "survey 表：调查人次（计数指标）",
    "RecordRows.sheet": "清单 id",
    "RecordRows.field": "本年值的列（如派生列就业率）",
    "RecordRows.compare": "上年值的列（如上年就业率）",
    "RecordRows.group": "左侧合并的类别列的文字（如“分专业就业率”）；不给则行名缩进一级",
    "IndicatorHeaders.serial": "序号列表头；空字符串时“指标”表头跨过序号列（种子 000：院校名称 | 指标 | 单位）",
    "IndicatorHeaders.group": "类别列表头；空字符串时“指标”表头跨过类别列（种子 000 表 1 的“项目”）",
    "IndicatorHeaders.indicator": "指标名称列表头；可为空字符串",
    "IndicatorHeaders.unit": "单位列表头",
    "IndicatorHeaders.change": "comparison 表的增长量列表头（种子 000 表 2 写“增长数”）",
    "IndicatorHeaders.growth": "comparison 表的增长率列表头",
    "IndicatorHeaders.median": "中位数列表头，写在本年之后（2020年中位数）",
    "IndicatorHeaders.method": "survey 表的调查方式列表头",
    "IndicatorHeaders.respondents": "survey 表的调查人次列表头",
    "RecordColumn.header": "表头",
    "RecordColumn.field": "清单的列（或 `schools`：汇总报告中开设该项的学校数）",
    "RecordColumn.compare": "上年比较列：显示为 上年|本年|变化",
    "Catalogue.category_label": "类别列的表头，如“专业大类”",
    "Catalogue.categories": "代码前缀 → 类别名称；前缀长度一致（如专业代码前两位）",
    "Catalogue.unknown": "代码无法归类的行所在的组名",
    "Catalogue.outside_suffix": "目录外代码的结尾，如 `W`",
    "Catalogue.outside_mark": "目录外专业名称后的标记，如“（目录外）”",
    "Catalogue.outside_in_group_mark": "含目录外专业的类别名称后的标记，如“（含目录外专业）”",
}
for _cls in (m.ComparisonTable, m.AnnexTable, m.SurveyTable, m.PlainTable, m.RecordTable, m.SchoolsTable, m.GroupsTable,
             m.SharesTable, m.IndicatorsChart, m.SchoolsChart, m.RecordChart, m.SharesChart):
    _name = _cls.__name__
    NOTES |= {f"{_name}.id": "表或图的代码（章节以它引用）", f"{_name}.title": _TITLE, f"{_name}.levels": f"出现在哪些{_LEVELS}；默认全部",
              f"{_name}.kind": "种类（决定本节列出的键）"}
    if _name.endswith("Table"):
        NOTES[f"{_name}.note"] = _NOTE
for _name in ("ComparisonTable", "AnnexTable", "SurveyTable", "PlainTable"):
    NOTES[f"{_name}.rows"] = _ROWS
    NOTES[f"{_name}.headers"] = "表头文字（见“指标表的 headers”）；不给则为 序号、类别、指标、单位、增长量、增长率、调查方式、调查人次"
    NOTES[f"{_name}.units"] = ("column：单位一列；label：没有单位列，单位写在名称后（全日制职高（人）），"
                               "% 与 n:1 写在数值中（86.50%、12.0:1），如种子 000 的正文表")
NOTES |= {
    "AnnexTable.number": "附表编号 N", "SurveyTable.number": "附表编号 N",
    "PlainTable.number": "给出时为附表 N（与附表一起编号）；不给则按正文的表编号",
    "PlainTable.name_column": "给出时第一列为本报告单位的名称（学校报告为学校全称），整列合并，此为其表头，如“院校名称”",
    "PlainTable.medians": "汇总报告：最后加一列各校本年数值的中位数（学校报告中没有这一列）",
    "PlainTable.serial": "true：第一列为序号（只给不缩进的行编号）", "PlainTable.years": "both：上年和本年；this：只有本年",
    "RecordTable.sheet": "清单 id", "RecordTable.columns": "列，按顺序", "RecordTable.total_label": _TOTAL,
    "SchoolsTable.indicators": "各校本年值的指标", "SchoolsTable.cover_columns": "学校名称后显示的封面项目（如办学性质）",
    "SchoolsTable.total_label": _TOTAL,
    "GroupsTable.by": "分组的封面项目（如办学性质、所属区县）", "GroupsTable.indicators": "各组本年值的指标",
    "GroupsTable.total_label": _TOTAL,
    "SharesTable.sheet": "清单 id", "SharesTable.field": "加总的列", "SharesTable.by": "category 按 catalogue 的类别；major 按 group_by 列（专业）",
    "SharesTable.top": "表前句子列出的前几位", "SharesTable.lead": "表前句子，可用 `{n}`、`{names}`、`{share}`",
    "SharesTable.schools_header": "汇总报告按专业时“开设学校数”列的表头；不给则没有该列",
    "SharesTable.decimals": "占比的小数位",
    "IndicatorsChart.indicators": "作为类别的指标", "IndicatorsChart.compare": "true：加上年一组",
    "IndicatorsChart.short_labels": "去掉名称的共同结尾（在校生满意度、教职工满意度 → 在校生、教职工）",
    "IndicatorsChart.unit": "数值轴单位；默认第一个指标的单位",
    "SchoolsChart.indicators": "每校一条，画第一个指标", "SchoolsChart.unit": "数值轴单位",
    "RecordChart.sheet": "清单 id", "RecordChart.fields": "每列一组", "RecordChart.label_field": "类别名称所在的列；默认清单的 label_field",
    "RecordChart.unit": "数值轴单位",
    "SharesChart.sheet": "清单 id", "SharesChart.fields": "按类别加总的列（画第一个）", "SharesChart.unit": "数值轴单位",
}


def _models(annotation: object) -> list[type[BaseModel]]:
    """The models an annotation refers to (inside tuples, unions, dicts, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models(arg)
    return found


def _type(annotation: object) -> str:
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " \\| ".join(k.value for k in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "对象"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) > 1 and all(_models(a) for a in options):
            return "对象（按 `kind`，见下）"
        return " \\| ".join(_type(a) for a in options)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin is tuple:
        return "[数, 数]" if len(args) == 2 and args[1] is not Ellipsis else f"列表（{_type(args[0])}）"
    if origin is dict:
        return f"键值表（{_type(args[1])}）"
    return {str: "文字", int: "整数", float: "数", bool: "true/false"}.get(annotation, str(annotation))  # type: ignore[call-overload]


def _default(field: typing.Any) -> str:
    if field.is_required():
        return "**必填**"
    value = field.get_default(call_default_factory=True)
    if value in (None, "", (), {}) or isinstance(value, BaseModel):
        return ""
    if isinstance(value, tuple):
        return "、".join(map(str, value))
    return f"`{str(value).lower() if isinstance(value, bool) else value}`"


def reference() -> str:
    order: list[type[BaseModel]] = []
    queue: list[type[BaseModel]] = [m.Edition]
    while queue:
        model = queue.pop(0)
        if model in order:
            continue
        order.append(model)
        for field in model.model_fields.values():
            queue += _models(field.annotation)
    unplaced = [c.__name__ for c in order if c not in PLACES]
    keys = {f"{c.__name__}.{name}" for c in order for name in c.model_fields}
    missing, stale = sorted(keys - NOTES.keys()), sorted(NOTES.keys() - keys)
    if unplaced or missing or stale:
        raise SystemExit(f"docs/edition_fields.py is out of date: unplaced {unplaced}, undescribed {missing}, unknown {stale}")
    lines = [
        "# 版式文件字段参考",
        "",
        "本页由 `python docs/build_docs.py` 根据版式模型（`vqr_author/edition/model.py`）生成，列出版式文件接受的每一个键，"
        "请勿手工修改。写法与示例见 [版式文件](editions.md)。不认识的键一律报错。",
    ]
    for model in order:
        lines += ["", f"## {PLACES[model]}", "", "| 键 | 类型 | 默认 | 说明 |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            lines.append(f"| `{field.alias or name}` | {_type(field.annotation)} | {_default(field)} | {NOTES[f'{model.__name__}.{name}']} |")
    return "\n".join(lines) + "\n"

