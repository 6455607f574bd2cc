"""`closeloop import leads FILE`: a dry run that names every bad row, then a commit that lands whole.

The command runs as a subprocess, as a person runs it, on each test database.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from config.rules import load_rules
from storage.db import Database
from storage.models import LeadDecision, LeadRecord
from tests.test_surface import closeloop
from usecases.lead_input import LeadInput
from usecases.leads import LeadDesk

RULES = """
[leads]
managers = ["UBOSS"]

[[leads.pools]]
id = "east"
regions = ["East"]
fallback_owner = "UBOSS"

[[leads.pools]]
id = "north"
regions = ["North"]
mode = "offer"

[[leads.reps]]
user_id = "UALICE"
name = "Alice"
joined = "2024-01-01"
regions = ["East"]

[[leads.reps]]
user_id = "UBOB"
name = "Bob"
joined = "2024-01-01"
regions = ["East", "North"]
"""

# Line 5 is blank and line 6's notes span two lines, so row numbers and line numbers differ.
LEADS_CSV = """\
company,contact,phone,email,region,budget,signals,notes,page_dwell_seconds
ACME,Li,138 0000 1111,,East,50000-80000,website_form;phone_inquiry,,150
Beta,Zhao,12,,East,,,,
,Wang,13900002222,,East,,,,

Gamma,Qian,,qian@gamma.cn,North,1万-2万,,"met at the fair,
call back in May",
Delta,Sun,13700003333,,East,lots,,,
acme,li,,li@acme.cn,,,,asked for a demo,
Epsilon,Zhou,13600004444,,West,,,,
Old Co Holdings,,+86 135-0000-5555,,,,,,
"""
BAD_ROWS = [
    "leads.csv:3: phone: a phone number needs at least 5 digits",
    "leads.csv:4: company: required",
    "leads.csv:8: budget: 'lots' is not an amount or a range like 50000-80000 or 5万-8万",
]


def rules_file(tmp_path: Path) -> Path:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    return rules


def run_import(tmp_path: Path, database_url: str, *args: str, lang: str = "en"):
    env = {"DATABASE_URL": database_url, "CLOSELOOP_RULES": str(rules_file(tmp_path)), "CLOSELOOP_LANG": lang}
    return closeloop("import", "leads", *args, cwd=tmp_path, env=env)


async def stored_leads(database_url: str) -> list[LeadRecord]:
    database = Database(database_url)
    try:
        await database.upgrade()
        async with database.sessions() as session:
            return list(await session.scalars(select(LeadRecord).order_by(LeadRecord.id)))
    finally:
        await database.dispose()


async def test_a_dry_run_names_each_bad_row_by_line_and_stores_nothing(
    database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "leads.csv").write_text(LEADS_CSV, encoding="utf-8-sig")
    result = run_import(tmp_path, database_url, "leads.csv")
    assert result.returncode == 2
    assert result.stderr.splitlines() == BAD_ROWS
    assert result.stdout == "8 rows: 5 good, 3 bad; run again with --commit to import\n"
    assert not (tmp_path / "closeloop.db").exists()  # the dry run never opens the database
    assert await stored_leads(database_url) == []


async def test_a_clean_dry_run_exits_0(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "leads.csv").write_text("company,phone\nACME,13800001111\n", encoding="utf-8")
    result = run_import(tmp_path, database_url, "leads.csv")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "1 row: 1 good, 0 bad; run again with --commit to import\n"


async def test_commit_imports_the_good_rows_and_merges_duplicates(database_url: str, tmp_path: Path) -> None:
    database = Database(database_url)
    await database.upgrade()
    desk = LeadDesk(database, load_rules(rules_file(tmp_path)).leads)
    old = LeadInput(company="Old Co", contact="Ma", phone="13500005555", region="East")
    await desk.intake("T1", old, datetime(2026, 11, 1, tzinfo=UTC))
    await database.dispose()
    (tmp_path / "leads.csv").write_text(LEADS_CSV, encoding="utf-8-sig")

    result = run_import(tmp_path, database_url, "leads.csv", "--commit")

    assert result.returncode == 0
    assert result.stderr.splitlines() == BAD_ROWS
    leads = await stored_leads(database_url)
    assert [(lead.id, lead.team_id, lead.company) for lead in leads] == [
        (1, "T1", "Old Co"),
        (2, "T1", "ACME"),
        (3, "T1", "Gamma"),
        (4, "T1", "Epsilon"),
    ]
    _, acme, gamma, epsilon = leads
    assert result.stdout.splitlines() == [
        f"line 2 → lead #2 (grade B, owner @{acme.owner_id})",
        "line 6 → lead #3 (grade C, offered)",
        "line 9 → merged into lead #2",
        "line 10 → lead #4 (grade C, public pool)",
        "line 11 → merged into lead #1",
        "8 rows: 3 leads added, 2 merged into existing leads, 3 bad rows skipped",
    ]
    assert acme.owner_id in {"UALICE", "UBOB"} and acme.status == "assigned"
    assert (acme.budget_min, acme.budget_max) == (Decimal(50000), Decimal(80000))
    assert acme.attributes == {"page_dwell_seconds": 150}  # a number, so the page_dwell rule fires
    assert [rule["id"] for rule in acme.fired_rules] == ["website_form", "phone_inquiry", "page_dwell"]
    assert (acme.email, acme.notes) == ("li@acme.cn", "asked for a demo")
    assert gamma.notes == "met at the fair,\ncall back in May" and gamma.offered_to == ["UBOB"]
    assert (gamma.budget_min, gamma.budget_max) == (Decimal(10000), Decimal(20000))
    assert epsilon.status == "public" and epsilon.owner_id is None
    database = Database(database_url)
    async with database.sessions() as session:
        routed = list(await session.scalars(select(LeadDecision.lead_id).order_by(LeadDecision.id)))
    await database.dispose()
    assert routed == [1, 2, 3, 4]


async def test_strict_imports_nothing_when_a_row_is_bad(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "leads.csv").write_text(LEADS_CSV, encoding="utf-8-sig")
    result = run_import(tmp_path, database_url, "leads.csv", "--commit", "--strict", "--team", "T1")
    assert result.returncode == 2
    assert result.stderr.splitlines() == BAD_ROWS
    assert result.stdout == ("8 rows: 5 good, 3 bad; nothing imported (--strict): fix the bad rows first\n")
    assert await stored_leads(database_url) == []


async def test_chinese_headers_in_a_gb18030_file(database_url: str, tmp_path: Path) -> None:
    text = (
        "公司,联系人,手机,电话,地区,行业,来源,预算,紧急程度,信号,备注,客户等级\n"
        "华东精密机械,张伟,13800138000,021-5555 0101,East,制造,展会,5万-8万,红,website_form、trial_request,老客户介绍,VIP\n"
    )
    (tmp_path / "线索.csv").write_bytes(text.encode("gb18030"))
    result = run_import(tmp_path, database_url, "线索.csv", "--commit", "--team", "T9", lang="zh")
    assert result.returncode == 0, result.stderr
    [lead] = await stored_leads(database_url)
    assert result.stdout.splitlines() == [
        f"第 2 行 → 线索 #{lead.id}（等级 B，负责人 @{lead.owner_id}）",
        "共 1 行：新增 1 条线索，0 行合并到已有线索，跳过 0 行有误数据",
    ]
    assert (lead.team_id, lead.company, lead.contact, lead.phone) == (
        "T9",
        "华东精密机械",
        "张伟",
        "13800138000",
    )
    assert (lead.region, lead.industry, lead.source, lead.urgency) == ("East", "制造", "展会", "red")
    assert (lead.budget_min, lead.budget_max) == (Decimal(50000), Decimal(80000))
    assert lead.signals == ["trial_request", "website_form"] and lead.notes == "老客户介绍"
    # The second phone column is kept, not dropped, next to the unknown column.
    assert lead.attributes == {"电话": "021-5555 0101", "客户等级": "VIP"}


async def test_the_first_sheet_of_a_workbook(database_url: str, tmp_path: Path) -> None:
    workbook = Workbook()
    leads = workbook.active
    leads.title = "Leads"
    leads.append(["Company", "Contact", "Phone", "Budget Min", "Budget Max", "Urgency"])
    leads.append(["ACME", "Li", 13800001111, 50000, 80000.5, "Yellow"])
    leads.append([])
    leads.append(["Beta", "Zhao", None, None, None, None])
    workbook.create_sheet("Notes").append(["company", "phone"])
    workbook.active = 1  # the sheet open when saved is not the one imported
    workbook.save(tmp_path / "leads.xlsx")

    dry = run_import(tmp_path, database_url, "leads.xlsx")
    assert dry.returncode == 2
    assert dry.stderr == "leads.xlsx:4: Phone: give a phone or an email, so someone can follow up\n"
    assert dry.stdout == "2 rows: 1 good, 1 bad; run again with --commit to import\n"

    result = run_import(tmp_path, database_url, "leads.xlsx", "--commit", "--team", "T1")
    assert result.returncode == 0
    [lead] = await stored_leads(database_url)
    assert (lead.phone, lead.urgency) == ("13800001111", "yellow")
    assert (lead.budget_min, lead.budget_max) == (Decimal(50000), Decimal("80000.50"))


async def test_files_it_cannot_use_are_refused_in_one_line(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "leads.txt").write_text("company,phone\nACME,13800001111\n", encoding="utf-8")
    (tmp_path / "names.csv").write_text("name,phone\nACME,13800001111\n", encoding="utf-8")
    (tmp_path / "leads.csv").write_text("company,phone\nACME,13800001111\n", encoding="utf-8")
    for args, expected in [
        (("leads.txt",), re.escape("closeloop: cannot import leads.txt: give a .csv / .xlsx file")),
        (("names.csv",), re.escape("names.csv:1: no company column; name it company (or 公司)")),
        (("missing.csv",), re.escape("closeloop: cannot read missing.csv: No such file or directory")),
        (("leads.csv", "--commit"), r"closeloop: the database holds no leads or activities yet.*--team.*"),
    ]:
        result = run_import(tmp_path, database_url, *args)
        assert result.returncode == 2 and result.stdout == "", args
        [line] = result.stderr.splitlines()
        assert re.fullmatch(expected, line), line
    assert await stored_leads(database_url) == []


async def test_a_nul_character_is_a_bad_row_named_by_its_field(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "leads.csv").write_text(
        "company,phone,notes\nACME,13800001111,call\x00back\n", encoding="utf-8"
    )
    dry_run = run_import(tmp_path, database_url, "leads.csv")
    assert dry_run.returncode == 2
    assert dry_run.stderr.startswith("leads.csv:2: notes: contains a NUL character")
    committed = run_import(tmp_path, database_url, "leads.csv", "--commit")
    assert committed.stderr == dry_run.stderr and "1 bad row skipped" in committed.stdout
    assert await stored_leads(database_url) == []


async def test_bad_rows_are_named_by_the_files_own_headers_in_the_readers_language(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "leads.csv").write_text(
        "公司,联系人,电话,预算\n,王经理,13800138000,\n华东机械,刘总,13900139000,2万-1万\n南方电子,陈总,,\n",
        encoding="utf-8",
    )
    result = run_import(tmp_path, database_url, "leads.csv", lang="zh")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "leads.csv:2: 公司: 必填",
        "leads.csv:3: 预算: 较小的金额在前（例如 10000-20000）",
        "leads.csv:4: 电话: 请填写电话或邮箱，以便跟进",
    ]
